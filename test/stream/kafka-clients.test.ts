import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { AuthenticationError, MultipleErrors, NetworkError, ProtocolError } from '@platformatic/kafka'
import { isTrafficError } from '../../src/errors.ts'
import { kafkaConnectionOptions, kafkaError, securityProblem } from '../../src/stream/kafka-clients.ts'

const sasl = { mechanism: 'SCRAM-SHA-512', username: 'ana', password: 'hunter2' } as const

test('PLAINTEXT connects without TLS or SASL; SASL_SSL carries the CA file and the credentials', async () => {
  assert.deepEqual(kafkaConnectionOptions({ protocol: 'PLAINTEXT' }), {})
  assert.deepEqual(kafkaConnectionOptions({ protocol: 'SSL' }), { tls: {} })
  const caFile = path.join(await mkdtemp(path.join(tmpdir(), 'kafka-ca-')), 'ca.pem')
  await writeFile(caFile, '-----BEGIN CERTIFICATE-----\n')
  const options = kafkaConnectionOptions({ protocol: 'SASL_SSL', sasl, caFile })
  assert.equal(String(options.tls?.ca), '-----BEGIN CERTIFICATE-----\n')
  assert.deepEqual(options.sasl, sasl)
  assert.deepEqual(kafkaConnectionOptions({ protocol: 'SASL_PLAINTEXT', sasl }), { sasl })
})

test('an unreadable CA file names KAFKA_SSL_CA_FILE', () => {
  assert.throws(
    () => kafkaConnectionOptions({ protocol: 'SSL', caFile: '/nonexistent/ca.pem' }),
    (e) => isTrafficError(e, 'INVALID_CONFIG') && /KAFKA_SSL_CA_FILE \/nonexistent\/ca.pem/.test(e.message),
  )
})

test('rejected credentials deep in a retry chain name the user and the settings, never the password', () => {
  const failed = new NetworkError('Connection to 127.0.0.1:1 failed.', {
    cause: new AuthenticationError('SASL authentication failed.'),
  })
  const retried = new AggregateError([failed, failed], 'Cannot connect to any broker.')
  const problem = securityProblem(retried, { protocol: 'SASL_SSL', sasl })
  assert.ok(problem)
  assert.equal(problem.message, 'Kafka rejected the SASL credentials for user "ana" (SCRAM-SHA-512)')
  assert.match(problem.hint ?? '', /KAFKA_SASL_PASSWORD/)
  assert.equal(problem.canRetry, false)
  assert.doesNotMatch(`${problem.message} ${problem.hint}`, /hunter2/)
  assert.equal(securityProblem(new Error('ECONNREFUSED'), { protocol: 'SASL_SSL', sasl }), undefined)
})

test('kafkaError keeps the client’s own verdict on retrying instead of always saying a retry can help', () => {
  const dropped = new NetworkError('Connection to 127.0.0.1:9092 closed.')
  assert.equal(kafkaError(dropped, 'reading').canRetry, true)
  const retried = new MultipleErrors('fetch failed 3 times.', [dropped, dropped])
  assert.equal(kafkaError(retried, 'reading').canRetry, true)
  const invalidTopic = new ProtocolError('INVALID_TOPIC_EXCEPTION')
  assert.equal(invalidTopic.canRetry, false, 'the client marks this one final')
  assert.equal(kafkaError(new MultipleErrors('failed.', [dropped, invalidTopic]), 'reading').canRetry, false)
  assert.equal(
    kafkaError(new NetworkError('x', { cause: new AuthenticationError('no') }), 'x').canRetry,
    false,
  )
  assert.equal(kafkaError(new TypeError('not from the client'), 'reading').canRetry, false)
})
