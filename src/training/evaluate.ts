// Held-out metrics of Spark's predictions, with as few passes over them as the metrics allow (each pass scores
// every held-out row again): the regression metrics in one aggregate, the confusion matrix in another and
// accuracy and F1 from it, with Spark's evaluators' definitions; the area under ROC by Spark's own evaluator.
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

/** RegressionEvaluator's rmse, mae and r2 (1 − residual / total sum of squares), in one pass. */
async function regressionMetrics(model: ModelSpec, predictions: DataFrame): Promise<RegressionMetrics> {
  const label = quoteIdentifier(model.target)
  const error = `(${label} - ${PREDICTION_COL})`
  const [row] = await predictions
    .select(
      `sqrt(avg(${error} * ${error})) AS rmse`,
      `avg(abs${error}) AS mae`,
      `1 - sum(${error} * ${error}) / (var_pop(${label}) * count(*)) AS r2`,
    )
    .collect()
  return { rmse: Number(row?.rmse), mae: Number(row?.mae), r2: Number(row?.r2) }
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

/** F1 of one class from the confusion counts; 0 when it has no precision and no recall, as Spark's. */
function f1(truePositives: number, falsePositives: number, falseNegatives: number): number {
  const precision = ratio(truePositives, truePositives + falsePositives)
  const recall = ratio(truePositives, truePositives + falseNegatives)
  return ratio(2 * precision * recall, precision + recall)
}

/**
 * MulticlassClassificationEvaluator's accuracy and `f1` (each actual class's F1 weighted by its share of the
 * rows) from the confusion matrix, so they cost no pass of their own.
 */
async function classificationMetrics(
  spark: SparkSession,
  model: ModelSpec,
  predictions: DataFrame,
): Promise<ClassificationMetrics> {
  const binary = evaluator(spark, predictions, 'BinaryClassificationEvaluator', {
    labelCol: model.target,
    rawPredictionCol: RAW_PREDICTION_COL,
  })
  const areaUnderROC = await binary('areaUnderROC')
  const matrix = await confusionMatrix(model, predictions)
  const [[tn, fp], [fn, tp]] = matrix.counts
  const negatives = tn + fp
  const positives = fn + tp
  const total = negatives + positives
  const precision = ratio(tp, tp + fp)
  const recall = ratio(tp, tp + fn)
  const f1Positive = f1(tp, fp, fn)
  return {
    accuracy: ratio(tn + tp, total),
    areaUnderROC,
    f1: ratio(negatives * f1(tn, fn, fp) + positives * f1Positive, total),
    f1Positive,
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
    : regressionMetrics(model, predictions)
}
