// The session against the real Spark Connect server (SPARK_REMOTE, or the local one the test harness starts).
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { SPARK } from '../../src/engines/manifest.ts'
import { SparkConnectError, type SparkSession } from '../../src/spark/index.ts'
import { relationPlan, sql } from '../../src/spark/plan.ts'
import { connectPinned } from './pinned-session.ts'

const { remote } = loadConfig().spark
let spark: SparkSession

before(async () => {
  spark = await connectPinned(remote)
})
after(() => spark.close())

test('the server runs the pinned Spark version', () => {
  assert.equal(spark.version, SPARK.version)
})

test('SELECT 1 comes back through Arrow with its types', async () => {
  const { table, rows } = await spark
    .sql(
      "SELECT 1 AS i, 2.5D AS d, 'x' AS s, true AS b, 9007199254740993 AS big, CAST(1.25 AS DECIMAL(5,2)) AS dec",
    )
    .collectAll()
  assert.deepEqual(
    table.schema.fields.map((f) => [f.name, String(f.type)]),
    [
      ['i', 'Int32'],
      ['d', 'Float64'],
      ['s', 'Utf8'],
      ['b', 'Bool'],
      ['big', 'Int64'],
      ['dec', 'Decimal[5e+2]'],
    ],
  )
  assert.deepEqual(rows, [{ i: 1, d: 2.5, s: 'x', b: true, big: 9007199254740993n, dec: 1.25 }])
})

test('executions are not reattachable, so the stream simply ends without ResultComplete', async () => {
  const result = await spark.execute(relationPlan(sql('SELECT 1')))
  assert.equal(result.arrowBatches.length, 1)
  assert.equal(result.resultComplete, false)
})

test('schema() asks the server without running the query', async () => {
  assert.deepEqual(await spark.sql('SELECT 1 AS i, CAST(NULL AS STRING) AS s').schema(), [
    { name: 'i', type: 'int', nullable: false },
    { name: 's', type: 'string', nullable: true },
  ])
})

test('session configs can be set and read back', async () => {
  assert.deepEqual(await spark.setConf({ 'spark.sql.shuffle.partitions': '3' }), [])
  assert.deepEqual(await spark.getConf(['spark.sql.shuffle.partitions']), {
    'spark.sql.shuffle.partitions': '3',
  })
})

test("bad SQL is a SERVER_ERROR carrying Spark's error class and SQLSTATE", async () => {
  await assert.rejects(spark.sql('SELECT nope FROM no_such_table').collect(), (error: unknown) => {
    assert.ok(error instanceof SparkConnectError)
    assert.equal(error.code, 'SERVER_ERROR')
    assert.equal(error.errorClass, 'TABLE_OR_VIEW_NOT_FOUND')
    assert.equal(error.sqlState, '42P01')
    assert.match(error.message, /no_such_table/)
    return true
  })
  await assert.rejects(spark.sql('SELEC 1').collect(), {
    code: 'SERVER_ERROR',
    errorClass: 'PARSE_SYNTAX_ERROR',
  })
})

test('an unreachable endpoint is UNAVAILABLE and retryable, after the retries', async () => {
  const started = Date.now()
  await assert.rejects(
    connectPinned('sc://127.0.0.1:1', {
      retry: { attempts: 3, initialDelayMs: 50, maxDelayMs: 100, multiplier: 2 },
    }),
    (error: unknown) => {
      assert.ok(error instanceof SparkConnectError)
      assert.equal(error.code, 'UNAVAILABLE')
      assert.equal(error.canRetry, true)
      assert.match(error.message, /127\.0\.0\.1:1 is unreachable \(connect ECONNREFUSED/)
      return true
    },
  )
  assert.ok(Date.now() - started >= 150, 'waited for the two retries')
})

test('close releases the server-side session: its id cannot be used again', async () => {
  const sessionId = randomUUID()
  const first = await connectPinned(remote, { sessionId })
  await first.sql('SELECT 1').collect()
  await first.close()
  await assert.rejects(connectPinned(remote, { sessionId }), {
    code: 'SERVER_ERROR',
    errorClass: 'INVALID_HANDLE.SESSION_CLOSED',
  })
})
