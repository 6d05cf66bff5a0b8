import assert from 'node:assert/strict'
import { test } from 'node:test'
import * as ml from '../../src/spark/ml-commands.ts'
import { denseVector } from '../../src/spark/ml-values.ts'
import { sql } from '../../src/spark/plan.ts'

const dataset = sql('SELECT 1 AS x')
const indexer = {
  className: 'org.apache.spark.ml.feature.StringIndexer',
  uid: 'StringIndexer_1',
  params: { inputCol: 'c' },
}

test('newUid follows Spark: simple class name, underscore, 12 hex digits', () => {
  assert.match(ml.newUid('org.apache.spark.ml.feature.StringIndexer'), /^StringIndexer_[0-9a-f]{12}$/)
  assert.notEqual(ml.newUid('X'), ml.newUid('X'))
})

test('fit sends the estimator operator, its params and the dataset', () => {
  assert.deepEqual(ml.fitCommand(indexer, dataset), {
    ml_command: {
      fit: {
        estimator: { name: indexer.className, uid: 'StringIndexer_1', type: 'OPERATOR_TYPE_ESTIMATOR' },
        params: { params: { inputCol: { string: 'c' } } },
        dataset,
      },
    },
  })
})

test('transform is an ml_relation: by model reference or with a transformer operator', () => {
  assert.deepEqual(ml.transformRelation({ id: 'm1' }, dataset), {
    ml_relation: { transform: { obj_ref: { id: 'm1' }, input: dataset, params: { params: {} } } },
  })
  const assembler = {
    className: 'org.apache.spark.ml.feature.VectorAssembler',
    uid: 'VA_1',
    params: { outputCol: 'f' },
  }
  assert.deepEqual(ml.transformRelation(assembler, dataset, { handleInvalid: 'keep' }), {
    ml_relation: {
      transform: {
        transformer: { name: assembler.className, uid: 'VA_1', type: 'OPERATOR_TYPE_TRANSFORMER' },
        input: dataset,
        params: { params: { outputCol: { string: 'f' }, handleInvalid: { string: 'keep' } } },
      },
    },
  })
})

test('evaluate, write, read, fetch, delete and clean cache', () => {
  const evaluator = {
    className: 'org.apache.spark.ml.evaluation.RegressionEvaluator',
    uid: 'RE_1',
    params: { metricName: 'rmse' },
  }
  assert.deepEqual(ml.evaluateCommand(evaluator, dataset).ml_command?.evaluate, {
    evaluator: { name: evaluator.className, uid: 'RE_1', type: 'OPERATOR_TYPE_EVALUATOR' },
    params: { params: { metricName: { string: 'rmse' } } },
    dataset,
  })
  assert.deepEqual(ml.writeCommand({ id: 'm1' }, '/models/a', { overwrite: true }).ml_command?.write, {
    obj_ref: { id: 'm1' },
    params: { params: {} },
    path: '/models/a',
    should_overwrite: true,
    options: {},
  })
  assert.equal(ml.writeCommand({ id: 'm1' }, '/p').ml_command?.write?.should_overwrite, false)
  assert.deepEqual(
    ml.readCommand('org.apache.spark.ml.feature.StringIndexerModel', '/p', 'model', 'u1').ml_command,
    {
      read: {
        operator: {
          name: 'org.apache.spark.ml.feature.StringIndexerModel',
          uid: 'u1',
          type: 'OPERATOR_TYPE_MODEL',
        },
        path: '/p',
      },
    },
  )
  assert.equal(
    ml.readCommand('E', '/p', 'evaluator', 'u').ml_command?.read?.operator?.type,
    'OPERATOR_TYPE_EVALUATOR',
  )
  assert.deepEqual(ml.fetchCommand({ id: 'm1' }, [{ method: 'featureImportances' }]).ml_command?.fetch, {
    obj_ref: { id: 'm1' },
    methods: [{ method: 'featureImportances', args: [] }],
  })
  const predict = ml.fetchCommand({ id: 'm1' }, [{ method: 'predict', args: [denseVector([1])] }])
  assert.equal(predict.ml_command?.fetch?.methods?.[0]?.args?.[0]?.param?.struct?.elements?.[0]?.byte, 1)
  assert.deepEqual(ml.deleteCommand([{ id: 'a' }, { id: 'b' }]).ml_command, {
    delete: { obj_refs: [{ id: 'a' }, { id: 'b' }] },
  })
  assert.deepEqual(ml.cleanCacheCommand(), { ml_command: { clean_cache: {} } })
})
