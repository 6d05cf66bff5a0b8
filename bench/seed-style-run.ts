// The seed-style baseline for bench:train: the seed's pipeline (one-hot + scaler + random forests) fitted over
// Spark Connect on the same batches, split and held-out rows as `traffic train`, one model after the other as the
// seed's script does; time per stage and the held-out metrics. Nothing is saved.
import type { Config } from '../src/config.ts'
import { connectSpark, type SparkConnectConfig } from '../src/engines/spark-connect.ts'
import type { DataFrame } from '../src/spark/index.ts'
import type { TreeParams } from '../src/training/algorithms.ts'
import { findBatchFiles, loadBatches } from '../src/training/batches.ts'
import { evaluateModel, type Metrics } from '../src/training/evaluate.ts'
import {
  HOLDOUT_FRACTION,
  MODEL_SPECS,
  type ModelName,
  SPLIT_SEED,
  SPLIT_WEIGHTS,
} from '../src/training/model-specs.ts'
import { applyStages, fitPipeline } from '../src/training/pipeline.ts'
import { type LineWriter, Progress } from '../src/training/progress.ts'
import { seedStyleStages } from '../src/training/seed-style.ts'
import { ServerState } from '../src/training/server-state.ts'

export interface SeedStyleResult {
  learner: TreeParams
  /** Seconds per stage, e.g. `read and cache the batch files`, `traffic_density_model · fit StandardScaler`. */
  timings: Record<string, number>
  metrics: Record<ModelName, Metrics>
}

export async function trainSeedStyle(
  connection: SparkConnectConfig & Pick<Config, 'storage'>,
  batchesDir: string,
  topic: string,
  learner: TreeParams,
  log: LineWriter,
): Promise<SeedStyleResult> {
  const progress = new Progress(log)
  const timings: Record<string, number> = {}
  const files = await findBatchFiles(batchesDir, topic, connection.storage.s3)
  const spark = await connectSpark(connection)
  const state = new ServerState(spark)
  try {
    const batches = await progress.step(
      'read and cache the batch files',
      () => loadBatches(spark, state, files),
      timings,
    )
    const parts = batches.table.data.randomSplit([...SPLIT_WEIGHTS], SPLIT_SEED)
    const metrics = {} as Record<ModelName, Metrics>
    for (const model of MODEL_SPECS) {
      const scoped = progress.scope(model.name)
      const own: Record<string, number> = {}
      const step = <T>(label: string, work: () => Promise<T>) => scoped.step(label, work, own)
      const [train, test] = (parts[model.part] as DataFrame).randomSplit(
        [1 - HOLDOUT_FRACTION, HOLDOUT_FRACTION],
        SPLIT_SEED,
      ) as [DataFrame, DataFrame]
      const stages = await fitPipeline(spark, seedStyleStages(model, learner, SPLIT_SEED), train, {
        step,
        fitted: (ref) => state.holdModel(ref),
        warning: (stage, message) => scoped.warn(`${stage}: ${message}`),
      })
      metrics[model.name] = await step('evaluate', () =>
        evaluateModel(spark, model, applyStages(spark, stages, test)),
      )
      for (const [label, seconds] of Object.entries(own)) timings[`${model.name} · ${label}`] = seconds
    }
    timings.total = Math.round(progress.elapsedSeconds * 1000) / 1000
    return { learner, timings, metrics }
  } finally {
    await state.close((what, error) => progress.warn(`could not ${what}: ${String(error)}`))
  }
}
