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

async function regressionMetrics(
  spark: SparkSession,
  model: ModelSpec,
  predictions: DataFrame,
): Promise<RegressionMetrics> {
  const metric = (metricName: string) =>
    spark.ml.evaluate(
      {
        className: `${EVALUATION}.RegressionEvaluator`,
        params: { labelCol: model.target, predictionCol: PREDICTION_COL, metricName },
      },
      predictions,
    )
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
  const multiclass = (metricName: string) =>
    spark.ml.evaluate(
      {
        className: `${EVALUATION}.MulticlassClassificationEvaluator`,
        params: { labelCol: model.target, predictionCol: PREDICTION_COL, metricName },
      },
      predictions,
    )
  const areaUnderROC = await spark.ml.evaluate(
    {
      className: `${EVALUATION}.BinaryClassificationEvaluator`,
      params: { labelCol: model.target, rawPredictionCol: RAW_PREDICTION_COL, metricName: 'areaUnderROC' },
    },
    predictions,
  )
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
