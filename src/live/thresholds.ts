// The per-city congestion thresholds the alerts compare with: those training stored, or — for models trained
// before thresholds existed — computed now from the data set, the same way (src/congestion.ts).
import type { Config } from '../config.ts'
import { congestionThresholds, storedCongestionThresholds } from '../congestion.ts'
import { BATCH_SCHEMA } from '../contract/batch-schema.ts'
import { literalHadoopPath, type SparkSession } from '../spark/index.ts'
import { openModels } from '../training/models-publisher.ts'

export interface Thresholds {
  byCity: Record<string, number>
  /** Where they come from, for the user. */
  source: string
}

export async function loadThresholds(config: Config, spark: SparkSession): Promise<Thresholds> {
  const stored = await storedCongestionThresholds(openModels(config.paths.models, config.storage.s3))
  if (stored) return { byCity: stored.byCity, source: stored.file }
  const view = 'traffic_live_dataset'
  await spark
    .readCsv(literalHadoopPath(config.paths.dataset), { schema: [...BATCH_SCHEMA] })
    .createOrReplaceTempView(view)
  return { byCity: await congestionThresholds(spark, view), source: config.paths.dataset }
}
