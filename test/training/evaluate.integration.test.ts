// The held-out metrics computed in few passes equal what Spark's own evaluators give on the same predictions.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TreeParams } from '../../src/training/algorithms.ts'
import {
  type ClassificationMetrics,
  evaluateModel,
  type RegressionMetrics,
} from '../../src/training/evaluate.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import { applyStages, PREDICTION_COL, planPipeline } from '../../src/training/pipeline.ts'
import { fittingBench } from '../serving/fitting-bench.ts'

const bench = fittingBench('evaluate', 5)
const LEARNER: TreeParams = { algorithm: 'randomForest', numTrees: 5, maxDepth: 4, maxBins: 32 }
const CLOSE = 1e-9

for (const model of MODEL_SPECS) {
  test(`${model.name}: the metrics equal Spark's ${model.task} evaluators`, async () => {
    const { stages, heldOut } = await bench.fit(planPipeline(model, 'indexed', LEARNER, 3), 11)
    const spark = bench.spark()
    const predictions = applyStages(spark, stages, heldOut)
    const evaluator =
      model.task === 'regression' ? 'RegressionEvaluator' : 'MulticlassClassificationEvaluator'
    const sparkMetric = (metricName: string) =>
      spark.ml.evaluate(
        {
          className: `org.apache.spark.ml.evaluation.${evaluator}`,
          params: { labelCol: model.target, predictionCol: PREDICTION_COL, metricName },
        },
        predictions,
      )
    const metrics = await evaluateModel(spark, model, predictions)
    const names =
      model.task === 'regression' ? (['rmse', 'mae', 'r2'] as const) : (['accuracy', 'f1'] as const)
    for (const name of names) {
      const ours = (metrics as RegressionMetrics & ClassificationMetrics)[name]
      const theirs = await sparkMetric(name)
      assert.ok(
        Math.abs(ours - theirs) <= CLOSE * Math.max(1, Math.abs(theirs)),
        `${name}: ${ours} ≠ Spark's ${theirs}`,
      )
    }
  })
}
