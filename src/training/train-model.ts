// One model, start to finish: hold out 20% of its part, fit the pipeline stage by stage, evaluate on the
// held-out rows, name the feature importances, record Spark's predictions for the parity test, save the
// PipelineModel, and release its models from the server's cache.
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../errors.ts'
import type { DataFrame, MlVector, ModelRef, SparkSession } from '../spark/index.ts'
import { evaluateModel } from './evaluate.ts'
import { type Importances, namedImportances, slotNames } from './importances.ts'
import { HOLDOUT_FRACTION, type ModelSpec } from './model-specs.ts'
import { collectParity, PARITY_DIR, toJsonLines } from './parity.ts'
import {
  applyStages,
  assemblerInputs,
  FEATURES_COL,
  type FittedStage,
  fitPipeline,
  planPipeline,
} from './pipeline.ts'
import { writePipelineModel } from './pipeline-writer.ts'
import type { Progress } from './progress.ts'
import type { ModelReport, TrainingParams } from './report.ts'
import type { ServerState } from './server-state.ts'

/** The server's ML cache limit; trees stop growing at 40% of it (Spark ≥ 4.1). A session setting. */
export const MAX_MODEL_SIZE_CONF = 'spark.connect.session.connectML.mlCache.memoryControl.maxModelSize'

export interface TrainContext {
  spark: SparkSession
  progress: Progress
  params: TrainingParams
  /** How many held-out predictions to record for the parity test. */
  parityRows: number
  /** Folder the complete result is written into (swapped in place of the models folder at the end). */
  stagingDir: string
  /** What the run holds on the server; released by the caller whatever happens. */
  state: ServerState
}

async function importancesOf(
  context: TrainContext,
  model: ModelSpec,
  stages: readonly FittedStage[],
  sample: DataFrame,
): Promise<Importances> {
  const forest = stages.at(-1)?.ref as ModelRef
  const vector = (await context.spark.ml.fetch(forest, 'featureImportances')) as MlVector
  const assembled = applyStages(context.spark, stages.slice(0, -1), sample)
  const features = (await assembled.schema()).find((field) => field.name === FEATURES_COL)
  return namedImportances(
    vector,
    slotNames(features?.metadata, vector.size),
    assemblerInputs(model, context.params.encoding),
  )
}

export async function trainModel(
  context: TrainContext,
  model: ModelSpec,
  part: DataFrame,
): Promise<ModelReport> {
  const { spark, params } = context
  const progress = context.progress.scope(model.name)
  const timings: Record<string, number> = {}
  const warnings: string[] = []

  const [trainSplit, testSplit] = part.randomSplit([1 - HOLDOUT_FRACTION, HOLDOUT_FRACTION], params.seed)
  const [train, test] = await progress.step(
    'split and cache',
    async () => [
      await context.state.cache(trainSplit as DataFrame, 'train'),
      await context.state.cache(testSplit as DataFrame, 'held_out'),
    ],
    timings,
  )
  const trainRows = await train.data.count()
  const testRows = await test.data.count()
  if (trainRows === 0 || testRows === 0) {
    throw new TrafficError(
      'NOT_ENOUGH_DATA',
      `${model.name}: its part of the data has ${trainRows} training and ${testRows} held-out rows; both must be > 0`,
    )
  }
  progress.line(`${trainRows} training rows, ${testRows} held-out rows`)

  const planned = planPipeline(model, params.encoding, params)
  const stages = await fitPipeline(spark, planned, train.data, {
    step: (label, fit) => progress.step(label, fit, timings),
    fitted: (ref) => context.state.holdModel(ref),
    warning: (stage, message) => {
      warnings.push(`${stage}: ${message}`)
      const remedy = /model size/i.test(message)
        ? ` → raise the session setting ${MAX_MODEL_SIZE_CONF}, or use fewer or shallower trees`
        : ''
      progress.warn(`${stage}: ${message}${remedy}`)
    },
  })
  const predictions = applyStages(spark, stages, test.data)
  const metrics = await progress.step('evaluate', () => evaluateModel(spark, model, predictions), timings)
  const importances = await progress.step(
    'feature importances',
    () => importancesOf(context, model, stages, test.data),
    timings,
  )
  const parity = await progress.step(
    'record parity predictions',
    () => collectParity(model, predictions, context.parityRows),
    timings,
  )
  const parityFile = path.join(PARITY_DIR, `${model.name}.jsonl`)
  await mkdir(path.join(context.stagingDir, PARITY_DIR), { recursive: true })
  await writeFile(path.join(context.stagingDir, parityFile), toJsonLines(parity))
  const written = await progress.step(
    'save PipelineModel',
    () => writePipelineModel(spark, stages, path.join(context.stagingDir, model.name)),
    timings,
  )
  await context.state.releaseModels(stages.flatMap((stage) => (stage.ref ? [stage.ref] : [])))
  await context.state.uncache(train)
  await context.state.uncache(test)

  return {
    target: model.target,
    task: model.task,
    part: model.part,
    features: [...model.features],
    rows: { part: trainRows + testRows, train: trainRows, test: testRows },
    pipeline: {
      uid: written.uid,
      stages: stages.map((stage, i) => ({
        uid: stage.uid,
        class: stage.className,
        folder: written.stageFolders[i] as string,
      })),
    },
    metrics,
    importances,
    warnings,
    timings,
    parity: { file: parityFile, rows: parity.length },
  }
}
