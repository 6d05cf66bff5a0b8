import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Metadata, status } from '@grpc/grpc-js'
import { SparkConnectError, withContext } from '../../src/spark/errors.ts'
import { toSparkError } from '../../src/spark/grpc-errors.ts'
import { statusDecoder } from '../../src/spark/status-details.ts'
import { encodeStatus, protosDir } from './google-rpc-status.ts'

const decode = statusDecoder(protosDir)

function serviceError(code: number, details: string, trailer?: Buffer) {
  const metadata = new Metadata()
  if (trailer) metadata.set('grpc-status-details-bin', trailer)
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata })
}

test('UNAVAILABLE stays UNAVAILABLE, retryable, with the socket error', () => {
  const error = toSparkError(
    serviceError(
      status.UNAVAILABLE,
      'No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:1. Resolution note: ',
    ),
    '127.0.0.1:1',
  )
  assert.equal(error.code, 'UNAVAILABLE')
  assert.equal(
    error.message,
    'Spark Connect at 127.0.0.1:1 is unreachable (connect ECONNREFUSED 127.0.0.1:1)',
  )
  assert.equal(error.canRetry, true)
})

test('a passed deadline is TIMEOUT, retryable, naming the deadline', () => {
  const error = toSparkError(
    serviceError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'),
    'h:1',
    undefined,
    2_500,
  )
  assert.equal(error.code, 'TIMEOUT')
  assert.equal(error.message, 'Spark Connect at h:1 did not answer within 2.5 s')
  assert.equal(error.canRetry, true)
})

test("a server error carries Spark's error class, SQLSTATE and parameters", () => {
  const trailer = encodeStatus(13, 'boom', {
    errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
    sqlState: '42P01',
    messageParameters: '{"relationName":"`x`"}',
  })
  const error = toSparkError(
    serviceError(status.INTERNAL, '[TABLE_OR_VIEW_NOT_FOUND] The table `x` …', trailer),
    'h:1',
    decode,
  )
  assert.ok(error instanceof SparkConnectError)
  assert.equal(error.code, 'SERVER_ERROR')
  assert.equal(error.message, 'Spark: [TABLE_OR_VIEW_NOT_FOUND] The table `x` …')
  assert.equal(error.errorClass, 'TABLE_OR_VIEW_NOT_FOUND')
  assert.equal(error.sqlState, '42P01')
  assert.deepEqual(error.details?.messageParameters, { relationName: '`x`' })
  assert.equal(error.details?.exceptionClass, 'org.apache.spark.sql.AnalysisException')
  assert.equal(error.canRetry, false)
})

test('an error without details still says what the server said; RetryInfo makes it retryable', () => {
  const plain = toSparkError(serviceError(status.UNKNOWN, 'java.lang.OutOfMemoryError'), 'h:1')
  assert.equal(plain.message, 'Spark: java.lang.OutOfMemoryError')
  assert.equal((plain as SparkConnectError).errorClass, undefined)
  const retryable = toSparkError(
    serviceError(status.INTERNAL, 'retry me', encodeStatus(13, 'retry me', {}, true)),
    'h:1',
    decode,
  )
  assert.equal(retryable.canRetry, true)
})

test('SparkConnectErrors pass through; other errors are wrapped as SERVER_ERROR', () => {
  const original = new SparkConnectError('INVALID_ARGUMENT', 'bad')
  assert.equal(toSparkError(original, 'h:1'), original)
  const wrapped = toSparkError(new Error('bad arrow'), 'h:1')
  assert.equal(wrapped.code, 'SERVER_ERROR')
  assert.match(wrapped.message, /bad arrow/)
})

test('withContext says what was being done and keeps the Spark details', () => {
  const trailer = encodeStatus(13, 'x', { errorClass: 'CONNECT_ML.UNSUPPORTED_EXCEPTION', sqlState: 'XX000' })
  const original = toSparkError(
    serviceError(status.INTERNAL, 'Unsupported ML operator', trailer),
    'h:1',
    decode,
  )
  const wrapped = withContext(original, 'ML fit of org.example.Nope') as SparkConnectError
  assert.equal(wrapped.message, 'Spark: ML fit of org.example.Nope: Unsupported ML operator')
  assert.equal(wrapped.errorClass, 'CONNECT_ML.UNSUPPORTED_EXCEPTION')
  assert.equal(wrapped.cause, original)
  const unavailable = toSparkError(serviceError(status.UNAVAILABLE, 'down'), 'h:1')
  assert.equal(withContext(unavailable, 'ML fit'), unavailable)
})
