import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseSparkRemote, redactSparkRemote } from '../../src/spark/remote.ts'

test('host and port, 15002 by default', () => {
  assert.deepEqual(parseSparkRemote('sc://127.0.0.1:15099'), {
    host: '127.0.0.1',
    port: 15099,
    target: '127.0.0.1:15099',
    userId: undefined,
    sessionId: undefined,
    token: undefined,
    useSsl: false,
  })
  assert.equal(parseSparkRemote('sc://spark.internal').port, 15002)
  assert.equal(parseSparkRemote('sc://localhost:15002/').target, 'localhost:15002')
})

test('parameters after /; are read, a token implies TLS', () => {
  const sessionId = '00112233-4455-6677-8899-aabbccddeeff'
  const remote = parseSparkRemote(`sc://h:1/;user_id=ana;session_id=${sessionId};token=abc%3D`)
  assert.equal(remote.userId, 'ana')
  assert.equal(remote.sessionId, sessionId)
  assert.equal(remote.token, 'abc=')
  assert.equal(remote.useSsl, true)
  assert.equal(parseSparkRemote('sc://h/;use_ssl=true').useSsl, true)
})

test('malformed addresses are INVALID_REMOTE with a hint', () => {
  for (const bad of [
    'http://h:1',
    'sc://',
    'sc://h:0',
    'sc://h:99999',
    'sc://h:1/;novalue',
    'sc://h/;session_id=nope',
  ]) {
    assert.throws(() => parseSparkRemote(bad), { code: 'INVALID_REMOTE' }, bad)
  }
})

test('an explicit use_ssl=false keeps a token on a plain channel (loopback, SSH tunnel)', () => {
  const remote = parseSparkRemote('sc://127.0.0.1:15002/;token=t0k;use_ssl=false')
  assert.equal(remote.token, 't0k')
  assert.equal(remote.useSsl, false)
})

test('the token is hidden wherever the connection string is shown, errors included', () => {
  assert.equal(
    redactSparkRemote('sc://h:1/;user_id=ana;token=t0k3n;use_ssl=true'),
    'sc://h:1/;user_id=ana;token=***;use_ssl=true',
  )
  assert.equal(redactSparkRemote('sc://h:1'), 'sc://h:1')
  assert.throws(
    () => parseSparkRemote('sc://h:99999/;token=t0k3n'),
    (e) => e instanceof Error && /token=\*\*\*/.test(e.message) && !e.message.includes('t0k3n'),
  )
})

test('a % that starts no %XX escape is INVALID_REMOTE naming the parameter, not a bare URIError', () => {
  assert.throws(
    () => parseSparkRemote('sc://h:1/;token=50%off'),
    (e) =>
      e instanceof Error &&
      (e as { code?: string }).code === 'INVALID_REMOTE' &&
      /token holds a % that starts no %XX escape \(write a literal % as %25\)/.test(e.message) &&
      !e.message.includes('50%off'),
  )
  assert.equal(parseSparkRemote('sc://h:1/;token=50%25off').token, '50%off')
})
