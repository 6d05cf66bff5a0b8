// The session, DataFrame, SparkML and streaming API against a recorded executor: what each call sends (checked
// against the pinned protos) and how it reads the answer, without a server.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { tableFromArrays, tableToIPC } from 'apache-arrow'
import { SparkConnectError, SparkSession } from '../../src/spark/index.ts'
import * as ml from '../../src/spark/ml-commands.ts'
import { denseVector, paramLiteral } from '../../src/spark/ml-values.ts'
import * as plan from '../../src/spark/plan.ts'
import { type Answer, RecordedExecutor } from './recorded-executor.ts'
import { literalOnTheWire } from './wire.ts'

function session(answers: Answer[]): { spark: SparkSession; executor: RecordedExecutor } {
  const executor = new RecordedExecutor(answers)
  return { spark: SparkSession.over(executor, '4.2.0'), executor }
}

const arrow = (columns: Record<string, BigInt64Array | Float64Array>) =>
  Buffer.from(tableToIPC(tableFromArrays(columns), 'stream'))

const FOREST = 'org.apache.spark.ml.regression.RandomForestRegressor'

test('count runs the count plan and reads the Arrow answer', async () => {
  const { spark, executor } = session([
    { execute: { arrowBatches: [arrow({ count: BigInt64Array.of(3n) })] } },
  ])
  const df = spark.sql('SELECT 1')
  assert.equal(await df.count(), 3)
  assert.deepEqual(executor.requests, [{ execute: plan.relationPlan(plan.count(df.relation)) }])
  executor.assertDone()
})

test('schema, persist, storage level and unpersist are AnalyzePlan requests', async () => {
  const { spark, executor } = session([
    {
      analyze: {
        schema: {
          schema: { struct: { fields: [{ name: 'x', data_type: { integer: {} }, nullable: false }] } },
        },
      },
    },
    { analyze: {} },
    { analyze: { get_storage_level: { storage_level: { use_memory: true, replication: 1 } } } },
    { analyze: {} },
  ])
  const df = spark.table('t')
  assert.deepEqual(await df.schema(), [{ name: 'x', type: 'int', nullable: false }])
  assert.equal(await df.persist(), df)
  assert.deepEqual(await df.storageLevel(), { use_memory: true, replication: 1 })
  await df.unpersist()
  assert.deepEqual(
    executor.requests.map((request) => Object.keys('analyze' in request ? request.analyze : {})),
    [['schema'], ['persist'], ['get_storage_level'], ['unpersist']],
  )
  executor.assertDone()
})

test('configs are set and read with Config operations; close releases, detach only disconnects', async () => {
  const { spark, executor } = session([
    { config: { warnings: ['deprecated'] } },
    { config: { pairs: [{ key: 'a', value: '1' }] } },
  ])
  assert.deepEqual(await spark.setConf({ a: '1' }), ['deprecated'])
  assert.deepEqual(await spark.getConf(['a']), { a: '1' })
  assert.deepEqual(executor.requests, [
    { config: { set: { pairs: [{ key: 'a', value: '1' }] } } },
    { config: { get: { keys: ['a'] } } },
  ])
  spark.detach()
  assert.equal(executor.disconnected, true)
  assert.equal(executor.released, false)
  await spark.close()
  assert.equal(executor.released, true)
})

test('ML fit sends the estimator and returns the cached model with the server’s warning', async () => {
  const { spark, executor } = session([
    {
      execute: {
        mlCommandResult: { operator_info: { obj_ref: { id: 'm1' }, warning_message: 'cache full' } },
      },
    },
  ])
  const data = spark.sql('SELECT 1')
  const model = await spark.ml.fit({ className: FOREST, uid: 'rf_1', params: { numTrees: 3 } }, data)
  assert.deepEqual(model, { id: 'm1', uid: 'rf_1', warning: 'cache full' })
  const fit = ml.fitCommand({ className: FOREST, uid: 'rf_1', params: { numTrees: 3 } }, data.relation)
  assert.deepEqual(executor.requests, [{ execute: plan.commandPlan(fit) }])
})

test('ML evaluate, fetch and delete read the literal or references the server answers', async () => {
  const { spark } = session([
    { execute: { mlCommandResult: { param: { double: 0.25 } } } },
    { execute: { mlCommandResult: { param: literalOnTheWire(paramLiteral(denseVector([1, 2]))) } } },
    { execute: { mlCommandResult: { operator_info: { obj_ref: { id: 'm1,m2' } } } } },
  ])
  const data = spark.sql('SELECT 1')
  assert.equal(
    await spark.ml.evaluate({ className: 'org.apache.spark.ml.evaluation.RegressionEvaluator' }, data),
    0.25,
  )
  assert.deepEqual(await spark.ml.fetch({ id: 'm1', uid: 'rf_1' }, 'featureImportances'), denseVector([1, 2]))
  assert.deepEqual(await spark.ml.delete({ id: 'm1', uid: '' }, { id: 'm2', uid: '' }), ['m1', 'm2'])
})

test('ML write saves a cached model by reference and a transformer by class', async () => {
  const { spark, executor } = session([
    { execute: { mlCommandResult: {} } },
    { execute: { mlCommandResult: {} } },
  ])
  const assembler = { className: 'org.apache.spark.ml.feature.VectorAssembler', uid: 'va_1', params: {} }
  await spark.ml.write({ id: 'm1', uid: 'rf_1' }, '/models/a')
  await spark.ml.write(assembler, '/models/b')
  assert.deepEqual(executor.requests, [
    { execute: plan.commandPlan(ml.writeCommand({ id: 'm1' }, '/models/a')) },
    { execute: plan.commandPlan(ml.writeCommand(assembler, '/models/b')) },
  ])
})

test('a failed ML command says which one; a missing answer is a SERVER_ERROR', async () => {
  const { spark } = session([
    { fail: new SparkConnectError('SERVER_ERROR', 'Spark: [CONNECT_ML.UNSUPPORTED_EXCEPTION] nope') },
    { execute: {} },
  ])
  const data = spark.sql('SELECT 1')
  await assert.rejects(spark.ml.fit({ className: FOREST }, data), {
    code: 'SERVER_ERROR',
    message: `Spark: ML fit of ${FOREST}: [CONNECT_ML.UNSUPPORTED_EXCEPTION] nope`,
  })
  await assert.rejects(spark.ml.fit({ className: FOREST }, data), {
    code: 'SERVER_ERROR',
    message: `Spark: ML fit of ${FOREST}: The server sent no result for an ML command`,
  })
})

test('a streaming query starts from the answer’s ids and asks its status with them', async () => {
  const { spark, executor } = session([
    { execute: { writeStreamResult: { query_id: { id: 'q', run_id: 'r' }, name: 'windows' } } },
    { execute: { streamingQueryResult: { status: { status_message: 'Waiting', is_active: true } } } },
  ])
  const options = {
    format: 'console',
    options: {},
    outputMode: 'append',
    trigger: '1 second',
    queryName: 'windows',
  } as const
  const query = await spark.readStream('rate', {}).writeStream(options)
  assert.deepEqual([query.id, query.runId, query.name], ['q', 'r', 'windows'])
  assert.deepEqual(await query.status(), {
    message: 'Waiting',
    isDataAvailable: false,
    isTriggerActive: false,
    isActive: true,
  })
  assert.deepEqual(executor.requests[1], {
    execute: plan.commandPlan(plan.streamingQueryCommand({ id: 'q', run_id: 'r' }, 'status')),
  })
})
