// Held-out metrics, computed by Spark's own evaluators on Spark's predictions; the confusion matrix in one
// aggregate pass.
import { type DataFrame, quoteIdentifier, type SparkSession } from '../spark/index.ts'
import type { ModelSpec } from './model-specs.ts'
import { PREDICTION_COL, RAW_PREDICTION_COL } from './pipeline.ts'

export interface RegressionMetrics {
  rmse: number
  mae: number
  r2: number
}

export interface ConfusionMatrix {
  /** Counts by actual class then predicted class: `[[tn, fp], [fn, tp]]`. */
  counts: [[number, number], [number, number]]
  labels: [0, 1]
}

export interface ClassificationMetrics {
  accuracy: number
  areaUnderROC: number
  /** Spark's `f1`: F1 per class weighted by class frequency. */
  f1: number
  /** F1, precision and recall of the positive class (peak hour). */
  f1Positive: number
  precisionPositive: number
  recallPositive: number
  confusionMatrix: ConfusionMatrix
}

export type Metrics = RegressionMetrics | ClassificationMetrics

const EVALUATION = 'org.apache.spark.ml.evaluation'

/** The label and prediction columns, as the regression and multiclass evaluators name them. */
function predictionColumns(model: ModelSpec): Record<string, string> {
  return { labelCol: model.target, predictionCol: PREDICTION_COL }
}

/** One of Spark's evaluators over the predictions, by metric name. */
function evaluator(
  spark: SparkSession,
  predictions: DataFrame,
  className: string,
  columns: Record<string, string>,
): (metricName: string) => Promise<number> {
  return (metricName) =>
    spark.ml.evaluate(
      { className: `${EVALUATION}.${className}`, params: { ...columns, metricName } },
      predictions,
    )
}

async function regressionMetrics(
  spark: SparkSession,
  model: ModelSpec,
  predictions: DataFrame,
): Promise<RegressionMetrics> {
  const metric = evaluator(spark, predictions, 'RegressionEvaluator', predictionColumns(model))
  return { rmse: await metric('rmse'), mae: await metric('mae'), r2: await metric('r2') }
}

export function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator
}

async function confusionMatrix(model: ModelSpec, predictions: DataFrame): Promise<ConfusionMatrix> {
  const label = quoteIdentifier(model.target)
  const cell = (actual: number, predicted: number, name: string) =>
    `count_if(${label} = ${actual} AND ${PREDICTION_COL} = ${predicted}) AS ${name}`
  const [row] = await predictions
    .select(cell(0, 0, 'tn'), cell(0, 1, 'fp'), cell(1, 0, 'fn'), cell(1, 1, 'tp'))
    .collect()
  const count = (name: string) => Number(row?.[name] ?? 0)
  return {
    counts: [
      [count('tn'), count('fp')],
      [count('fn'), count('tp')],
    ],
    labels: [0, 1],
  }
}

async function classificationMetrics(
  spark: SparkSession,
  model: ModelSpec,
  predictions: DataFrame,
): Promise<ClassificationMetrics> {
  const multiclass = evaluator(
    spark,
    predictions,
    'MulticlassClassificationEvaluator',
    predictionColumns(model),
  )
  const binary = evaluator(spark, predictions, 'BinaryClassificationEvaluator', {
    labelCol: model.target,
    rawPredictionCol: RAW_PREDICTION_COL,
  })
  const areaUnderROC = await binary('areaUnderROC')
  const matrix = await confusionMatrix(model, predictions)
  const [[, fp], [fn, tp]] = matrix.counts
  const precision = ratio(tp, tp + fp)
  const recall = ratio(tp, tp + fn)
  return {
    accuracy: await multiclass('accuracy'),
    areaUnderROC,
    f1: await multiclass('f1'),
    f1Positive: ratio(2 * precision * recall, precision + recall),
    precisionPositive: precision,
    recallPositive: recall,
    confusionMatrix: matrix,
  }
}

export function evaluateModel(
  spark: SparkSession,
  model: ModelSpec,
  predictions: DataFrame,
): Promise<Metrics> {
  return model.task === 'classification'
    ? classificationMetrics(spark, model, predictions)
    : regressionMetrics(spark, model, predictions)
}
