import assert from 'node:assert/strict'
import { test } from 'node:test'
import { statusDecoder } from '../../src/spark/status-details.ts'
import { encodeStatus, protosDir } from './google-rpc-status.ts'

const decode = statusDecoder(protosDir)

test('reads code, message and the ErrorInfo metadata', () => {
  const status = decode(
    encodeStatus(13, '[TABLE_OR_VIEW_NOT_FOUND] … SQLSTATE: 42P01', {
      errorClass: 'TABLE_OR_VIEW_NOT_FOUND',
      sqlState: '42P01',
    }),
  )
  assert.equal(status.code, 13)
  assert.equal(status.message, '[TABLE_OR_VIEW_NOT_FOUND] … SQLSTATE: 42P01')
  assert.deepEqual(status.errorInfo, {
    reason: 'org.apache.spark.sql.AnalysisException',
    domain: 'org.apache.spark',
    metadata: { errorClass: 'TABLE_OR_VIEW_NOT_FOUND', sqlState: '42P01' },
  })
  assert.equal(status.retryable, false)
})

test('notices RetryInfo, and a long message', () => {
  const long = 'x'.repeat(300)
  const status = decode(encodeStatus(14, long, {}, true))
  assert.equal(status.message, long)
  assert.equal(status.retryable, true)
})

test('rejects garbage instead of guessing', () => {
  assert.throws(() => decode(Buffer.from([0x0f])), /index out of range|wire type/)
  assert.throws(() => decode(Buffer.from([0x08, 0x80])), /index out of range/)
})
