// Every plan builder's output goes through the pinned protocol (encode → decode) and must come back whole:
// when Spark renames or moves a field, this fails instead of the server silently getting less.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { alias, cast, col, double, expr, fn, int, lit, long } from '../../src/spark/expressions.ts'
import * as ml from '../../src/spark/ml-commands.ts'
import { denseVector, paramLiteral, sparseVector } from '../../src/spark/ml-values.ts'
import * as plan from '../../src/spark/plan.ts'
import type { Command, Relation } from '../../src/spark/protocol.ts'
import { assertOnTheWire } from './wire.ts'

const input = plan.sql('SELECT 1 AS x')
const query = { id: 'q-id', run_id: 'run-id' }
const forest = { className: 'org.apache.spark.ml.regression.RandomForestRegressor', uid: 'rf_1' }
const assembler = {
  className: 'org.apache.spark.ml.feature.VectorAssembler',
  uid: 'va_1',
  params: { inputCols: ['a', 'b'], outputCol: 'features' },
}

const relations: Record<string, Relation> = {
  sql: input,
  table: plan.table('traffic'),
  readCsv: plan.readCsv(['/a.csv', '/b.csv'], {
    schema: [
      { name: 'City', type: 'string' },
      { name: 'Speed', type: 'double' },
    ],
    options: { mode: 'FAILFAST' },
  }),
  readStream: plan.readStream('kafka', { subscribe: 'topic' }),
  withWatermark: plan.withWatermark(input, 'event_time', '10 minutes'),
  observe: plan.observe(input, 'input', ['count(1) AS rows']),
  groupBy: plan.groupBy(input, [col('City')], ['avg(Speed) AS speed']),
  select: plan.select(input, [
    col('x'),
    'x * 2 AS y',
    alias(fn('abs', col('x')), 'a'),
    cast(col('x'), 'double'),
  ]),
  filter: plan.filter(input, expr('x > 0')),
  withColumns: plan.withColumns(input, {
    i: lit(int(1)),
    l: lit(long(9007199254740993n)),
    d: lit(double(2)),
    s: lit('s'),
    b: lit(true),
    n: lit(null),
    a: lit([1, 2]),
  }),
  limit: plan.limit(input, 5),
  count: plan.count(input),
  sample: plan.sample(input, { fraction: 0.5, seed: 42, withReplacement: true }),
  transformByRef: ml.transformRelation({ id: 'm1' }, input, { predictionCol: 'p' }),
  transformByOperator: ml.transformRelation(assembler, input),
}
for (const [i, part] of plan.randomSplit(input, [0.8, 0.2], '281474976710655').entries()) {
  relations[`randomSplit[${i}]`] = part
}

const commands: Record<string, Command> = {
  write: plan.write(input, { format: 'csv', path: '/out', mode: 'append', options: { header: 'true' } }),
  createOrReplaceTempView: plan.createOrReplaceTempView(input, 'v'),
  writeStreamStart: plan.writeStreamStart(input, {
    format: 'kafka',
    options: { topic: 't', checkpointLocation: '/cp' },
    outputMode: 'update',
    trigger: '1 second',
    queryName: 'windows',
  }),
  activeStreamingQueries: plan.activeStreamingQueries(),
  fit: ml.fitCommand({ ...forest, params: { numTrees: 20, maxDepth: 5, seed: long(7) } }, input),
  evaluate: ml.evaluateCommand(
    {
      className: 'org.apache.spark.ml.evaluation.RegressionEvaluator',
      uid: 're_1',
      params: { metricName: 'rmse' },
    },
    input,
  ),
  writeModel: ml.writeCommand({ id: 'm1' }, '/models/a', { overwrite: true, params: { predictionCol: 'p' } }),
  writeTransformer: ml.writeCommand(assembler, '/models/b'),
  read: ml.readCommand('org.apache.spark.ml.feature.StringIndexerModel', '/p', 'model', 'si_1'),
  fetch: ml.fetchCommand({ id: 'm1' }, [
    { method: 'predict', args: [denseVector([1, 2])] },
    { method: 'weights', args: [sparseVector(4, [0, 2], [3, 4])] },
  ]),
  delete: ml.deleteCommand([{ id: 'a' }, { id: 'b' }]),
  cleanCache: ml.cleanCacheCommand(),
}
for (const action of ['status', 'last_progress', 'recent_progress', 'stop', 'exception'] as const) {
  commands[`streamingQuery.${action}`] = plan.streamingQueryCommand(query, action)
}

test('every relation builder survives the wire, inside a Plan', () => {
  for (const [name, relation] of Object.entries(relations)) {
    assert.doesNotThrow(() => assertOnTheWire('spark.connect.Plan', plan.relationPlan(relation)), name)
  }
})

test('every command builder survives the wire, inside a Plan', () => {
  for (const [name, command] of Object.entries(commands)) {
    assert.doesNotThrow(() => assertOnTheWire('spark.connect.Plan', plan.commandPlan(command)), name)
  }
})

test('ML param literals (vectors, matrices, arrays) survive the wire', () => {
  const matrix = { numRows: 2, numCols: 1, values: [1, 2], isTransposed: false }
  for (const value of [denseVector([1]), sparseVector(3, [1], [2]), matrix, [1, 2], ['a'], 0.5, 'x', true]) {
    assert.doesNotThrow(() => assertOnTheWire('spark.connect.Expression.Literal', paramLiteral(value)))
  }
})

test('a field the protocol does not have fails, and so does a value of the wrong type', () => {
  const renamed = { sql: { query: 'SELECT 1', dialect: 'ansi' } } as unknown as Relation
  assert.throws(() => assertOnTheWire('spark.connect.Relation', renamed), /has no field dialect/)
  const wrongType = { limit: { input, limit: 'five' } } as unknown as Relation
  assert.throws(() => assertOnTheWire('spark.connect.Relation', wrongType), /survives the wire/)
})
