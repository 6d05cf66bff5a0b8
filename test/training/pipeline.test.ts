import assert from 'node:assert/strict'
import { test } from 'node:test'
import { inputColumnsOf, SERVED_MODELS } from '../../src/serving/model-catalog.ts'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import { assemblerInputs, planPipeline } from '../../src/training/pipeline.ts'

const FOREST: TreeParams = { algorithm: 'randomForest', numTrees: 7, maxDepth: 4, maxBins: 16 }
const GBT: TreeParams = {
  algorithm: 'gbt',
  numTrees: 9,
  maxDepth: 3,
  maxBins: 20,
  stepSize: 0.2,
  subsamplingRate: 0.7,
}
const SEED = 3
const [density, peak, energy] = MODEL_SPECS as [
  (typeof MODEL_SPECS)[0],
  (typeof MODEL_SPECS)[0],
  (typeof MODEL_SPECS)[0],
]

test('the three models follow the contract: target, part, all ten other columns as features', () => {
  assert.deepEqual(
    MODEL_SPECS.map((m) => [m.name, m.target, m.task, m.part, m.features.length]),
    [
      ['traffic_density_model', 'Traffic Density', 'regression', 0, 10],
      ['peak_hour_model', 'Is Peak Hour', 'classification', 1, 10],
      ['energy_consumption_model', 'Energy Consumption', 'regression', 2, 10],
    ],
  )
  for (const model of MODEL_SPECS) assert.ok(!model.features.includes(model.target))
  assert.ok(density.features.includes('Is Peak Hour') && density.features.includes('Energy Consumption'))
  assert.ok(peak.features.includes('Energy Consumption') && peak.features.includes('Traffic Density'))
  assert.ok(energy.features.includes('Is Peak Hour') && energy.features.includes('Traffic Density'))
})

test('each model is trained on exactly the features, in the order, that the API serves it with', () => {
  assert.deepEqual(
    MODEL_SPECS.map((spec) => spec.features),
    SERVED_MODELS.map((model) => inputColumnsOf(model).map((column) => column.name)),
  )
})

test('indexed: StringIndexer (keep) → VectorAssembler of indexes and numbers → forest', () => {
  const stages = planPipeline(density, 'indexed', FOREST, SEED)
  assert.deepEqual(
    stages.map((s) => [s.kind, s.spec.className.split('.').at(-1), s.modelClass?.split('.').at(-1)]),
    [
      ['estimator', 'StringIndexer', 'StringIndexerModel'],
      ['transformer', 'VectorAssembler', undefined],
      ['estimator', 'RandomForestRegressor', 'RandomForestRegressionModel'],
    ],
  )
  const [indexer, assembler, forest] = stages.map((s) => s.spec.params ?? {})
  assert.deepEqual(indexer, {
    inputCols: ['City', 'Vehicle Type', 'Weather', 'Economic Condition', 'Day Of Week'],
    outputCols: [
      'City_index',
      'Vehicle Type_index',
      'Weather_index',
      'Economic Condition_index',
      'Day Of Week_index',
    ],
    handleInvalid: 'keep',
  })
  assert.deepEqual(assembler?.inputCols, [
    'City_index',
    'Vehicle Type_index',
    'Weather_index',
    'Economic Condition_index',
    'Day Of Week_index',
    'Hour Of Day',
    'Speed',
    'Is Peak Hour',
    'Random Event Occurred',
    'Energy Consumption',
  ])
  assert.deepEqual(forest, {
    featuresCol: 'features',
    labelCol: 'Traffic Density',
    predictionCol: 'prediction',
    numTrees: 7,
    maxDepth: 4,
    maxBins: 16,
    seed: 3,
  })
  for (const stage of stages) assert.match(stage.spec.uid, /^[A-Za-z]+_[0-9a-f]{12}$/)
})

test('onehot adds a OneHotEncoder between the indexer and the assembler', () => {
  const stages = planPipeline(energy, 'onehot', FOREST, SEED)
  assert.deepEqual(
    stages.map((s) => s.spec.className.split('.').at(-1)),
    ['StringIndexer', 'OneHotEncoder', 'VectorAssembler', 'RandomForestRegressor'],
  )
  assert.deepEqual(stages[1]?.spec.params?.outputCols, [
    'City_onehot',
    'Vehicle Type_onehot',
    'Weather_onehot',
    'Economic Condition_onehot',
    'Day Of Week_onehot',
  ])
  assert.equal(assemblerInputs(energy, 'onehot').get('City_onehot'), 'City')
  assert.equal(assemblerInputs(energy, 'onehot').get('Traffic Density'), 'Traffic Density')
})

test('the classifier also names its probability and raw prediction columns', () => {
  const forest = planPipeline(peak, 'indexed', FOREST, SEED).at(-1)
  assert.equal(forest?.spec.className, 'org.apache.spark.ml.classification.RandomForestClassifier')
  assert.equal(forest?.spec.params?.labelCol, 'Is Peak Hour')
  assert.equal(forest?.spec.params?.probabilityCol, 'probability')
  assert.equal(forest?.spec.params?.rawPredictionCol, 'rawPrediction')
})

test('gbt: GBTRegressor / GBTClassifier with iterations as maxIter, step size and subsampling', () => {
  const regressor = planPipeline(density, 'indexed', GBT, SEED).at(-1)
  assert.equal(regressor?.spec.className, 'org.apache.spark.ml.regression.GBTRegressor')
  assert.equal(regressor?.modelClass, 'org.apache.spark.ml.regression.GBTRegressionModel')
  assert.deepEqual(regressor?.spec.params, {
    featuresCol: 'features',
    labelCol: 'Traffic Density',
    predictionCol: 'prediction',
    maxIter: 9,
    maxDepth: 3,
    maxBins: 20,
    stepSize: 0.2,
    subsamplingRate: 0.7,
    seed: 3,
  })
  const classifier = planPipeline(peak, 'indexed', GBT, SEED).at(-1)
  assert.equal(classifier?.spec.className, 'org.apache.spark.ml.classification.GBTClassifier')
  assert.equal(classifier?.modelClass, 'org.apache.spark.ml.classification.GBTClassificationModel')
  assert.equal(classifier?.spec.params?.rawPredictionCol, 'rawPrediction')
})
