// One model, start to finish: hold out 20% of its part, fit the pipeline stage by stage (with candidates: tune or
// compare learners on the fitted features first), evaluate on the held-out rows, name the feature importances,
// record Spark's predictions for the parity test, save the PipelineModel, and release its models from the
// server's cache.
import { TrafficError } from '../errors.ts'
import type { DataFrame, MlVector, ModelRef, SparkSession } from '../spark/index.ts'
import { describeTreeParams, type TreeParams } from './algorithms.ts'
import {
  bestCandidate,
  type CandidatesOptions,
  scoreCandidates,
  scoreName,
  VALIDATION_FRACTION,
} from './candidates.ts'
import { evaluateModel } from './evaluate.ts'
import { type Importances, namedImportances, slotNames } from './importances.ts'
import type { ModelSpec } from './model-specs.ts'
import type { ModelsStaging } from './models-publisher.ts'
import { collectParity, PARITY_DIR, toJsonLines } from './parity.ts'
import {
  applyStages,
  assemblerInputs,
  FEATURES_COL,
  type FitHooks,
  type FittedStage,
  fitPipeline,
  planPipeline,
} from './pipeline.ts'
import { writePipelineModel } from './pipeline-writer.ts'
import type { Progress } from './progress.ts'
import type { CandidatesReport, ModelReport, TrainingParams } from './report.ts'
import type { ServerState } from './server-state.ts'
import { allSettledOrThrow } from './settled.ts'
import { holdOut } from './split.ts'
import { formatMetrics } from './summary.ts'

/** The server's ML cache limit; trees stop growing at 40% of it (Spark ≥ 4.1). A session setting. */
export const MAX_MODEL_SIZE_CONF = 'spark.connect.session.connectML.mlCache.memoryControl.maxModelSize'

export interface TrainContext {
  spark: SparkSession
  progress: Progress
  params: TrainingParams
  /** How many held-out predictions to record for the parity test. */
  parityRows: number
  candidates?: CandidatesOptions
  /** Folder the complete result is written into (swapped in place of the models folder at the end). */
  /** The version being written. */
  staging: ModelsStaging
  /** What the run holds on the server; released by the caller whatever happens. */
  state: ServerState
}

async function importancesOf(
  context: TrainContext,
  model: ModelSpec,
  stages: readonly FittedStage[],
  sample: DataFrame,
): Promise<Importances> {
  const learner = stages.at(-1)?.ref as ModelRef
  const vector = (await context.spark.ml.fetch(learner, 'featureImportances')) as MlVector
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

  const { train: trainSplit, heldOut: testSplit } = holdOut(part, params.seed)
  const [train, test] = await progress.step(
    'split and cache',
    () =>
      allSettledOrThrow([
        context.state.cache(trainSplit, 'train'),
        context.state.cache(testSplit, 'held_out'),
      ] as const),
    timings,
  )
  const [trainRows, testRows] = await allSettledOrThrow([train.data.count(), test.data.count()] as const)
  if (trainRows === 0 || testRows === 0) {
    throw new TrafficError(
      'NOT_ENOUGH_DATA',
      `${model.name}: its part of the data has ${trainRows} training and ${testRows} held-out rows; both must be > 0`,
    )
  }
  progress.line(`${trainRows} training rows, ${testRows} held-out rows`)

  const hooks: FitHooks = {
    step: (label, fit) => progress.step(label, fit, timings),
    fitted: (ref) => context.state.holdModel(ref),
    warning: (stage, message) => {
      warnings.push(`${stage}: ${message}`)
      const remedy = /model size/i.test(message)
        ? ` → raise the session setting ${MAX_MODEL_SIZE_CONF}, or use fewer or shallower trees`
        : ''
      progress.warn(`${stage}: ${message}${remedy}`)
    },
  }
  const planned = planPipeline(model, params.encoding, params.models[model.name], params.seed)
  const features = await fitPipeline(spark, planned.slice(0, -1), train.data, hooks)
  const grid = context.candidates?.grids[model.name]
  const candidates =
    context.candidates && grid?.length
      ? await runCandidates(context, model, grid, features, { train: train.data, test: test.data })
      : undefined
  const chosen = candidates?.chosen ?? params.models[model.name]
  const predictor = planPipeline(model, params.encoding, chosen, params.seed).slice(-1)
  const [learner] = await fitPipeline(spark, predictor, applyStages(spark, features, train.data), hooks)
  const stages = [...features, learner as FittedStage]
  const predictions = applyStages(spark, stages, test.data)
  // The held-out scores, the importances, the parity rows and the saved model are independent: side by side, their
  // small jobs share the cores instead of each waiting for the one before.
  const parityFile = `${PARITY_DIR}/${model.name}.jsonl`
  const [metrics, importances, parity, written] = await allSettledOrThrow([
    progress.step('evaluate', () => evaluateModel(spark, model, predictions), timings),
    progress.step('feature importances', () => importancesOf(context, model, stages, test.data), timings),
    progress.step(
      'record parity predictions',
      async () => {
        const rows = await collectParity(model, predictions, context.parityRows)
        await context.staging.write(parityFile, toJsonLines(rows))
        return rows
      },
      timings,
    ),
    progress.step(
      'save PipelineModel',
      () => writePipelineModel(spark, stages, `${context.staging.sparkDir}/${model.name}`),
      timings,
    ),
  ] as const)
  await context.state.releaseModels(stages.flatMap((stage) => (stage.ref ? [stage.ref] : [])))
  await context.state.uncache(train)
  await context.state.uncache(test)

  return {
    target: model.target,
    task: model.task,
    part: model.part,
    features: [...model.features],
    rows: { part: trainRows + testRows, train: trainRows, test: testRows },
    params: chosen,
    learner: describeTreeParams(chosen),
    ...(candidates ? { candidates: candidates.report } : {}),
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

/**
 * Scores the grid's learners on the fitted features. Tuning fits them on the training rows less a validation share
 * and picks the best; comparing fits them on all training rows, scores them on the held-out rows, and keeps the
 * model's own params. The feature stages (category indexes) do not see the label, so they are fitted once, on all
 * training rows, for every candidate.
 */
async function runCandidates(
  context: TrainContext,
  model: ModelSpec,
  grid: readonly TreeParams[],
  features: readonly FittedStage[],
  rows: { train: DataFrame; test: DataFrame },
): Promise<{ chosen: TreeParams | undefined; report: CandidatesReport }> {
  const { spark, params } = context
  const progress = context.progress.scope(model.name)
  const tune = context.candidates?.mode === 'tune'
  const [fitRows, scoreRows] = tune
    ? (rows.train.randomSplit([1 - VALIDATION_FRACTION, VALIDATION_FRACTION], params.seed) as [
        DataFrame,
        DataFrame,
      ])
    : [rows.train, rows.test]
  const results = await scoreCandidates(
    spark,
    model,
    grid,
    { fitOn: applyStages(spark, features, fitRows), scoreOn: applyStages(spark, features, scoreRows) },
    params.seed,
    {
      step: (label, fit) => progress.step(label, fit),
      fitted: (ref) => context.state.holdModel(ref),
      release: (ref) => context.state.releaseModels([ref]),
    },
  )
  for (const result of results) {
    progress.line(`${result.learner}: ${formatMetrics(result.metrics)}, fit ${result.fitSeconds} s`)
    if (result.warning) progress.warn(`${result.learner}: ${result.warning}`)
  }
  const chosen = tune ? bestCandidate(results).params : undefined
  if (chosen) progress.line(`tuned: ${describeTreeParams(chosen)}`)
  return {
    chosen,
    report: { scoredOn: tune ? 'validation' : 'held-out', metric: scoreName(model.task), results },
  }
}
