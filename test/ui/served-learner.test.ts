// The learner the Predict page names for a model, from GET /models: the training report's words only while the
// report describes the pipeline the API has loaded.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ModelCard, ModelReport } from '../../web/src/api/contract.ts'
import { servedLearner } from '../../web/src/api/reports.ts'

const card = {
  loaded: true,
  uid: 'pipeline_1',
  stages: [
    'org.apache.spark.ml.feature.VectorAssembler',
    'org.apache.spark.ml.regression.GBTRegressionModel',
  ],
  trees: 80,
} as ModelCard
const report = {
  learner: 'GBT 80 iterations, depth 5, 64 bins, step 0.2',
  pipeline: { uid: 'pipeline_1', stages: [] },
} as unknown as ModelReport

test("the report's learner names the served model when it describes the loaded pipeline", () => {
  assert.equal(servedLearner({ card, report }), report.learner)
})

test('a model the report does not describe is named by its last stage and tree count', () => {
  const retrained = {
    ...card,
    uid: 'pipeline_2',
    stages: [...card.stages.slice(0, 1), 'x.RandomForestRegressionModel'],
  }
  assert.equal(servedLearner({ card: retrained, report }), 'RandomForestRegressionModel with 80 trees')
  assert.equal(servedLearner({ card }), 'GBTRegressionModel with 80 trees')
})

test('a model the API has not loaded is not named', () => {
  assert.equal(servedLearner({ card: { ...card, loaded: false }, report }), undefined)
  assert.equal(servedLearner({ report }), undefined)
})
