// The per-city congestion thresholds the alerts compare with: from the models' analytics.json (computed at
// training time), or — for models trained before thresholds existed — computed now from the data set.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import type { SparkSession } from '../spark/index.ts'
import { type Analytics, congestionThresholds } from '../training/analytics.ts'
import { BATCH_SCHEMA } from '../training/batch-schema.ts'
import { ANALYTICS_FILE } from '../training/report.ts'

export interface Thresholds {
  byCity: Record<string, number>
  /** Where they come from, for the user. */
  source: string
}

async function fromAnalytics(config: Config): Promise<Record<string, number> | undefined> {
  const file = path.join(config.paths.models, ANALYTICS_FILE)
  if (!existsSync(file)) return undefined
  const analytics = JSON.parse(await readFile(file, 'utf8')) as Partial<Analytics>
  return analytics.congestion_thresholds
}

export async function loadThresholds(config: Config, spark: SparkSession): Promise<Thresholds> {
  const stored = await fromAnalytics(config)
  if (stored && Object.keys(stored).length > 0) {
    return { byCity: stored, source: path.join(config.paths.models, ANALYTICS_FILE) }
  }
  const view = 'traffic_live_dataset'
  await spark.readCsv(config.paths.dataset, { schema: [...BATCH_SCHEMA] }).createOrReplaceTempView(view)
  return { byCity: await congestionThresholds(spark, view), source: config.paths.dataset }
}
