// What is normal per city, day and hour, which the alerts compare with: the baseline training stored, or — for
// models trained before it existed — computed now from the data set, the same way (src/congestion.ts).
import type { Config } from '../config.ts'
import { type CongestionCell, congestionBaseline, storedCongestionBaseline } from '../congestion.ts'
import { BATCH_SCHEMA } from '../contract/batch-schema.ts'
import { literalHadoopPath, type SparkSession } from '../spark/index.ts'
import { openModels } from '../training/models-publisher.ts'

export interface Thresholds {
  cells: CongestionCell[]
  /** Where they come from, for the user. */
  source: string
}

export async function loadThresholds(config: Config, spark: SparkSession): Promise<Thresholds> {
  const stored = await storedCongestionBaseline(openModels(config.paths.models, config.storage.s3))
  if (stored) return { cells: stored.cells, source: stored.file }
  const view = 'traffic_live_dataset'
  await spark
    .readCsv(literalHadoopPath(config.paths.dataset), { schema: [...BATCH_SCHEMA] })
    .createOrReplaceTempView(view)
  return { cells: await congestionBaseline(spark, view), source: config.paths.dataset }
}
