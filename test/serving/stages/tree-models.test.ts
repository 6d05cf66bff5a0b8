import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError } from '../../../src/errors.ts'
import { compileForest } from '../../../src/serving/forest.ts'
import { createTreeModel } from '../../../src/serving/stages/tree-models.ts'
import { nodes } from '../trees.ts'
import { runStage } from './layout.ts'

const classifier = (counts: number[][]) =>
  createTreeModel({
    className: 'org.apache.spark.ml.classification.RandomForestClassificationModel',
    uid: 'rfc_test',
    forest: compileForest(
      counts.map((stats) => nodes({ leaf: 0, stats })),
      { numClasses: 2, normaliseLeafStats: true },
    ),
    numFeatures: 1,
    featuresCol: 'features',
    predictionCol: 'prediction',
    probabilityCol: 'probability',
  })

const run = (stage: ReturnType<typeof classifier>, x: number[]) =>
  runStage(stage, { features: ['vector', Float64Array.from(x), x.length] })

test('a forest classifier outputs normalised probabilities and the most probable class', () => {
  const out = run(
    classifier([
      [1, 3],
      [2, 2],
      [0, 5],
    ]),
    [0],
  )
  const probability = out.get('probability') as Float64Array
  const [no, yes] = [0.25 + 0.5 + 0, 0.75 + 0.5 + 1]
  assert.deepEqual([...probability], [no / (no + yes), yes / (no + yes)])
  assert.equal(out.get('prediction'), 1)
})

test('ties go to the first class, like Spark Vector.argmax', () => {
  assert.equal(run(classifier([[1, 1]]), [0]).get('prediction'), 0)
  assert.equal(
    run(
      classifier([
        [1, 3],
        [3, 1],
      ]),
      [0],
    ).get('prediction'),
    0,
  )
})

test('each row gets its own probability vector', () => {
  const stage = classifier([[1, 3]])
  const first = run(stage, [0]).get('probability')
  const second = run(stage, [0]).get('probability')
  assert.notEqual(first, second)
})

test('a regression tree predicts its leaf and declares no probability column', () => {
  const stage = createTreeModel({
    className: 'org.apache.spark.ml.regression.DecisionTreeRegressionModel',
    uid: 'dtr_test',
    forest: compileForest([nodes({ feature: 1, threshold: 2, left: { leaf: 5 }, right: { leaf: 6 } })], {
      numClasses: 0,
      normaliseLeafStats: false,
    }),
    numFeatures: 2,
    featuresCol: 'features',
    predictionCol: 'prediction',
    probabilityCol: 'probability',
  })
  assert.equal(stage.probabilityCol, undefined)
  assert.equal(run(stage, [0, 2]).get('prediction'), 5)
  assert.equal(run(stage, [0, 3]).get('prediction'), 6)
  assert.throws(
    () => run(stage, [1, 2, 3]),
    (error) =>
      isTrafficError(error, 'MODEL_UNSUPPORTED') &&
      /trained on 2 features, the pipeline gives 3/.test(error.message),
  )
})

test('without a recorded numFeatures, a vector too short for the splits is still refused', () => {
  const stage = createTreeModel({
    className: 'org.apache.spark.ml.regression.RandomForestRegressionModel',
    uid: 'rfr_old',
    forest: compileForest([nodes({ feature: 3, threshold: 0, left: { leaf: 1 }, right: { leaf: 2 } })], {
      numClasses: 0,
      normaliseLeafStats: true,
    }),
    numFeatures: undefined,
    featuresCol: 'features',
    predictionCol: 'prediction',
    probabilityCol: 'probability',
  })
  assert.equal(run(stage, [0, 0, 0, 1]).get('prediction'), 2)
  assert.throws(
    () => run(stage, [0, 0]),
    (error) =>
      isTrafficError(error, 'MODEL_UNSUPPORTED') &&
      /trained on ≥ 4 features, the pipeline gives 2/.test(error.message),
  )
})
