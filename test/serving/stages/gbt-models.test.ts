// GBT models as stages: the weighted sum of regression trees, and for the classifier Spark's mapping of that
// margin to a class and probabilities. Parity with Spark itself: test/serving/gbt-pipeline.integration.test.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compileForest } from '../../../src/serving/forest.ts'
import { createTreeModel, type TreeModelParams } from '../../../src/serving/stages/tree-models.ts'
import { nodes } from '../trees.ts'
import { runStage } from './layout.ts'

// Tree 1 splits on a continuous feature, tree 2 on a categorical one (categories 0 and 2 go left).
const TREES = [
  nodes({ feature: 0, threshold: 0.5, left: { leaf: -2 }, right: { leaf: 3 } }),
  nodes({ feature: 1, categories: [0, 2], numCategories: 3, left: { leaf: 1 }, right: { leaf: -4 } }),
]
const WEIGHTS = Float64Array.of(1, 0.25)

function gbt(className: TreeModelParams['className']) {
  return createTreeModel({
    className,
    uid: 'gbt_test',
    forest: compileForest(TREES, { numClasses: 0, normaliseLeafStats: false }),
    treeWeights: WEIGHTS,
    numFeatures: 2,
    featuresCol: 'features',
    predictionCol: 'prediction',
    probabilityCol: 'probability',
  })
}

const run = (stage: ReturnType<typeof gbt>, x: number[]) =>
  runStage(stage, { features: ['vector', Float64Array.from(x), x.length] })

test('GBT regression: Σ weight × tree prediction, over continuous and categorical splits', () => {
  const stage = gbt('org.apache.spark.ml.regression.GBTRegressionModel')
  assert.equal(stage.numClasses, 0)
  assert.equal(run(stage, [0, 2]).get('prediction'), -2 + 0.25 * 1)
  assert.equal(run(stage, [1, 1]).get('prediction'), 3 + 0.25 * -4)
  assert.equal(run(stage, [0.5, 0]).get('prediction'), -2 + 0.25 * 1)
})

test('GBT classification: margin m → probability [1/(1+e^(2m)), rest], class 1 only when m > 0', () => {
  const stage = gbt('org.apache.spark.ml.classification.GBTClassificationModel')
  assert.equal(stage.numClasses, 2)
  for (const [x, margin] of [
    [[1, 0], 3.25],
    [[0, 1], -3],
  ] as const) {
    const out = run(stage, [...x])
    const p0 = 1 / (1 + Math.exp(2 * margin))
    assert.deepEqual([...(out.get('probability') as Float64Array)], [p0, 1 - p0])
    assert.equal(out.get('prediction'), margin > 0 ? 1 : 0)
  }
})

test('GBT classification: a zero margin is class 0, like argmax of [−0, 0] in Spark', () => {
  const zero = createTreeModel({
    className: 'org.apache.spark.ml.classification.GBTClassificationModel',
    uid: 'gbt_zero',
    forest: compileForest([nodes({ leaf: 0 })], { numClasses: 0, normaliseLeafStats: false }),
    treeWeights: Float64Array.of(1),
    numFeatures: 1,
    featuresCol: 'features',
    predictionCol: 'prediction',
    probabilityCol: 'probability',
  })
  const out = runStage(zero, { features: ['vector', Float64Array.of(7), 1] })
  assert.equal(out.get('prediction'), 0)
  assert.deepEqual([...(out.get('probability') as Float64Array)], [0.5, 0.5])
})
