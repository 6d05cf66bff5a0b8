// The pipeline of one model, planned as Spark stages and fitted client-side, stage by stage (Pipeline is
// not a server-side operator over Spark Connect): each estimator is fitted on the output of the stages
// before it, exactly as Spark's Pipeline.fit does; fitted models stay in the server's ML cache.

import { TEXT_COLUMNS } from '../contract/batch-schema.ts'
import type { ColumnName } from '../contract/columns.ts'
import {
  type DataFrame,
  type ModelRef,
  newUid,
  type OperatorSpec,
  type SparkSession,
} from '../spark/index.ts'
import { type TreeParams, treeEstimator } from './algorithms.ts'
import type { ModelSpec } from './model-specs.ts'

/**
 * How the text columns reach the trees. `indexed`: the StringIndexer's category index goes in as one
 * categorical feature (the trees split on sets of categories). `onehot`: one binary feature per category.
 */
export type Encoding = 'indexed' | 'onehot'
export const ENCODINGS: readonly Encoding[] = ['indexed', 'onehot']

export const FEATURES_COL = 'features'
export const PREDICTION_COL = 'prediction'
export const PROBABILITY_COL = 'probability'
export const RAW_PREDICTION_COL = 'rawPrediction'

const ML = 'org.apache.spark.ml'

/** One planned stage: an estimator (fitted into `modelClass`) or a stateless transformer used as is. */
export interface PlannedStage {
  kind: 'estimator' | 'transformer'
  spec: OperatorSpec & { uid: string }
  /** Class of the fitted model, for estimators (what Spark writes in the stage's metadata). */
  modelClass?: string
}

/** A stage of a fitted pipeline: a model in the server's ML cache, or a transformer. */
export interface FittedStage {
  uid: string
  /** Class of the stage as saved, e.g. `org.apache.spark.ml.feature.StringIndexerModel`. */
  className: string
  ref?: ModelRef
  transformer?: OperatorSpec & { uid: string }
}

function estimator(className: string, modelClass: string, params: OperatorSpec['params']): PlannedStage {
  return { kind: 'estimator', spec: { className, uid: newUid(className), params }, modelClass }
}

const indexedName = (column: ColumnName) => `${column}_index`
const oneHotName = (column: ColumnName) => `${column}_onehot`

/** The VectorAssembler's input columns, in feature order, each with the data set column it encodes. */
export function assemblerInputs(model: ModelSpec, encoding: Encoding): Map<string, ColumnName> {
  const encoded = encoding === 'onehot' ? oneHotName : indexedName
  return new Map(
    model.features.map((column) => [TEXT_COLUMNS.includes(column) ? encoded(column) : column, column]),
  )
}

/** The last stage: the tree learner, reading the assembled features. */
export function predictorStage(model: ModelSpec, tree: TreeParams, seed: number): PlannedStage {
  const learner = treeEstimator(model.task, tree, seed)
  const columns = {
    featuresCol: FEATURES_COL,
    labelCol: model.target,
    predictionCol: PREDICTION_COL,
    ...(model.task === 'classification'
      ? { probabilityCol: PROBABILITY_COL, rawPredictionCol: RAW_PREDICTION_COL }
      : {}),
  }
  return estimator(learner.className, learner.modelClass, { ...columns, ...learner.params })
}

/** The stages of a model's pipeline: index the text features, (one-hot encode,) assemble, trees. */
export function planPipeline(
  model: ModelSpec,
  encoding: Encoding,
  tree: TreeParams,
  seed: number,
): PlannedStage[] {
  const text = model.features.filter((column) => TEXT_COLUMNS.includes(column))
  const stages: PlannedStage[] = [
    estimator(`${ML}.feature.StringIndexer`, `${ML}.feature.StringIndexerModel`, {
      inputCols: text,
      outputCols: text.map(indexedName),
      // A value never seen in training gets its own index instead of failing the prediction.
      handleInvalid: 'keep',
    }),
  ]
  if (encoding === 'onehot') {
    stages.push(
      estimator(`${ML}.feature.OneHotEncoder`, `${ML}.feature.OneHotEncoderModel`, {
        inputCols: text.map(indexedName),
        outputCols: text.map(oneHotName),
      }),
    )
  }
  const assemblerClass = `${ML}.feature.VectorAssembler`
  stages.push({
    kind: 'transformer',
    spec: {
      className: assemblerClass,
      uid: newUid(assemblerClass),
      params: {
        inputCols: [...assemblerInputs(model, encoding).keys()],
        outputCol: FEATURES_COL,
      },
    },
  })
  stages.push(predictorStage(model, tree, seed))
  return stages
}

/** Applies fitted stages in order (lazily: a plan, run by the server when an action needs it). */
export function applyStages(
  spark: SparkSession,
  stages: readonly FittedStage[],
  input: DataFrame,
): DataFrame {
  return stages.reduce(
    (current, stage) =>
      spark.ml.transform((stage.ref ?? stage.transformer) as ModelRef | OperatorSpec, current),
    input,
  )
}

export interface FitHooks {
  /** Called around each estimator's fit, e.g. to time it and print progress. */
  step<T>(label: string, fit: () => Promise<T>): Promise<T>
  /** Each model as soon as the server holds it, so the caller can release it whatever happens next. */
  fitted(ref: ModelRef): void
  /** A Fit `warning_message` (e.g. trees stopped growing at the ML cache size limit). */
  warning(stage: string, message: string): void
}

/** Spark's Pipeline.fit, client-side: returns the fitted stages, in order. */
export async function fitPipeline(
  spark: SparkSession,
  planned: readonly PlannedStage[],
  train: DataFrame,
  hooks: FitHooks,
): Promise<FittedStage[]> {
  const fitted: FittedStage[] = []
  let current = train
  for (const [index, stage] of planned.entries()) {
    const name = stage.spec.className.split('.').at(-1) as string
    let next: FittedStage
    if (stage.kind === 'estimator') {
      const ref = await hooks.step(`fit ${name}`, () => spark.ml.fit(stage.spec, current))
      hooks.fitted(ref)
      if (ref.warning) hooks.warning(name, ref.warning)
      next = { uid: ref.uid, className: stage.modelClass as string, ref }
    } else {
      next = { uid: stage.spec.uid, className: stage.spec.className, transformer: stage.spec }
    }
    fitted.push(next)
    if (index < planned.length - 1) current = applyStages(spark, [next], current)
  }
  return fitted
}
