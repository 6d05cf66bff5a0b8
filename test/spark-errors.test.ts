// The app's seam over the Spark client's errors: the same messages, this project's codes and advice.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SPARK } from '../src/engines/manifest.ts'
import { isTrafficError, TrafficError } from '../src/errors.ts'
import { SparkConnectError } from '../src/spark/index.ts'
import { SPARK_UNAVAILABLE_HINT, toTrafficError, withTrafficErrors } from '../src/spark-errors.ts'

test('an unreachable server is SPARK_UNAVAILABLE with the start hint, retryable, same message', () => {
  const original = new SparkConnectError('UNAVAILABLE', 'Spark Connect at h:1 is unreachable (x)', {
    canRetry: true,
  })
  const mapped = toTrafficError(original)
  assert.ok(isTrafficError(mapped, 'SPARK_UNAVAILABLE'))
  assert.equal(mapped.message, original.message)
  assert.equal(mapped.hint, SPARK_UNAVAILABLE_HINT)
  assert.match(SPARK_UNAVAILABLE_HINT, /traffic engines start.*SPARK_REMOTE/)
  assert.equal(mapped.canRetry, true)
  assert.equal(mapped.cause, original)
})

test("each client code maps to the project's code; advice names this project's settings", () => {
  const cases = [
    ['SERVER_ERROR', 'SPARK_ERROR', undefined],
    ['UNAUTHENTICATED', 'SPARK_ERROR', /SPARK_REMOTE/],
    ['UNTRUSTED_CERTIFICATE', 'SPARK_ERROR', /SPARK_SSL_CA_FILE/],
    ['VERSION_MISMATCH', 'SPARK_ERROR', new RegExp(`Spark ${SPARK.version.replace(/\.\d+$/, '')}\\.x`)],
    ['INVALID_ARGUMENT', 'INVALID_INPUT', undefined],
    ['INVALID_REMOTE', 'INVALID_CONFIG', /client hint/],
    ['JAR_MISSING', 'PREREQUISITE_MISSING', /traffic engines fetch/],
    ['JAR_INVALID', 'ENGINE_FETCH_FAILED', /client hint/],
  ] as const
  for (const [code, expected, hint] of cases) {
    const mapped = toTrafficError(new SparkConnectError(code, 'm', { hint: 'client hint' }))
    assert.ok(isTrafficError(mapped, expected), code)
    if (hint) assert.match(mapped.hint ?? '', hint, code)
  }
})

test('other errors pass unchanged, also through withTrafficErrors', async () => {
  const plain = new Error('x')
  assert.equal(toTrafficError(plain), plain)
  const traffic = new TrafficError('IO_ERROR', 'disk full')
  await assert.rejects(
    withTrafficErrors(() => {
      throw traffic
    }),
    (error) => error === traffic,
  )
  await assert.rejects(
    withTrafficErrors(async () => {
      throw new SparkConnectError('SERVER_ERROR', 'Spark: boom')
    }),
    { code: 'SPARK_ERROR', message: 'Spark: boom' },
  )
})
