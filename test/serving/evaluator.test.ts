import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { compileEvaluator, type InputColumn } from '../../src/serving/evaluator.ts'
import { compileForest } from '../../src/serving/forest.ts'
import type { PipelineModel } from '../../src/serving/pipeline-model.ts'
import type { Stage } from '../../src/serving/stage.ts'
import { createOneHotEncoder } from '../../src/serving/stages/one-hot-encoder.ts'
import { createStandardScaler } from '../../src/serving/stages/standard-scaler.ts'
import { createStringIndexer } from '../../src/serving/stages/string-indexer.ts'
import { createTreeModel } from '../../src/serving/stages/tree-models.ts'
import { createVectorAssembler } from '../../src/serving/stages/vector-assembler.ts'
import { nodes } from './trees.ts'

const INPUTS: InputColumn[] = [
  { name: 'City', type: 'string' },
  { name: 'Speed', type: 'number' },
]

const pipeline = (...stages: Stage[]): PipelineModel => ({
  dir: '/models/test',
  uid: 'pipeline_test',
  sparkVersion: '4.2.0',
  timestamp: undefined,
  stages,
})

// The seed's shape: indexer → one-hot → assembler → scaler → forest. Features: [is MetropolisX, is AquaCity, speed].
const seedLike = (numClasses: number) =>
  pipeline(
    createStringIndexer({
      uid: 'si',
      inputCols: ['City'],
      outputCols: ['city_idx'],
      labelsArray: [['MetropolisX', 'AquaCity']],
      handleInvalid: 'keep',
    }),
    createOneHotEncoder({
      uid: 'ohe',
      inputCols: ['city_idx'],
      outputCols: ['city_vec'],
      categorySizes: [3],
      dropLast: true,
      handleInvalid: 'error',
    }),
    createVectorAssembler({ uid: 'va', inputCols: ['city_vec', 'Speed'], outputCol: 'raw' }),
    createStandardScaler({
      uid: 'ss',
      inputCol: 'raw',
      outputCol: 'features',
      mean: Float64Array.of(0.5, 0.25, 50),
      std: Float64Array.of(0.5, 0.5, 10),
      withMean: true,
      withStd: true,
    }),
    createTreeModel({
      className:
        numClasses > 0
          ? 'org.apache.spark.ml.classification.RandomForestClassificationModel'
          : 'org.apache.spark.ml.regression.RandomForestRegressionModel',
      uid: 'rf',
      // Scaled speed > 0 (speed > 50) → right; scaled "is MetropolisX" > 0 → right.
      forest: compileForest(
        [
          nodes({
            feature: 2,
            threshold: 0,
            left: { leaf: 1, stats: [4, 0] },
            right: { leaf: 2, stats: [1, 3] },
          }),
          nodes({
            feature: 0,
            threshold: 0,
            left: { leaf: 10, stats: [2, 2] },
            right: { leaf: 20, stats: [0, 1] },
          }),
        ],
        { numClasses, normaliseLeafStats: true },
      ),
      numFeatures: 3,
      featuresCol: 'features',
      predictionCol: 'prediction',
      probabilityCol: 'probability',
    }),
  )

test('a seed-like regression pipeline runs every stage in order', () => {
  const evaluator = compileEvaluator(seedLike(0), INPUTS)
  assert.equal(evaluator.task, 'regression')
  assert.deepEqual(evaluator.predict({ City: 'MetropolisX', Speed: 80 }), { prediction: (2 + 20) / 2 })
  assert.deepEqual(evaluator.predict({ City: 'AquaCity', Speed: 20 }), { prediction: (1 + 10) / 2 })
  // Unknown city → index 2 → dropped last category → zeros; keys the model does not use are ignored.
  assert.deepEqual(evaluator.predict({ City: 'Atlantis', Speed: 50, Weather: 'Rainy' }), {
    prediction: (1 + 10) / 2,
  })
})

test('a seed-like classifier returns the class index and a fresh probability vector per record', () => {
  const evaluator = compileEvaluator(seedLike(2), INPUTS)
  assert.equal(evaluator.numClasses, 2)
  const fast = evaluator.predict({ City: 'MetropolisX', Speed: 80 })
  const slow = evaluator.predict({ City: 'AquaCity', Speed: 20 })
  assert.equal(fast.prediction, 1)
  assert.deepEqual([...(fast.probability ?? [])], [0.25 / 2, 1.75 / 2])
  assert.equal(slow.prediction, 0)
  assert.deepEqual([...(slow.probability ?? [])], [1.5 / 2, 0.5 / 2])
})

test('a pipeline must end with a model stage', () => {
  const [indexer, , assembler] = seedLike(0).stages as Stage[]
  assert.throws(
    () => compileEvaluator(pipeline(indexer as Stage, assembler as Stage), INPUTS),
    (error) =>
      isTrafficError(error, 'MODEL_UNSUPPORTED') &&
      /ends with org\.apache\.spark\.ml\.feature\.VectorAssembler/.test(error.message),
  )
})

test('a model reading a column the records do not have is refused when compiled, naming the column', () => {
  assert.throws(
    () => compileEvaluator(seedLike(0), [{ name: 'City', type: 'string' }]),
    (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && /reads column "Speed"/.test(error.message),
  )
})
