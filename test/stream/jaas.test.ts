import assert from 'node:assert/strict'
import { test } from 'node:test'
import { javaQuoted } from '../../src/java-quoted.ts'
import { jaasConfig } from '../../src/stream/jaas.ts'

test('a quoted value escapes backslashes and double quotes, and nothing else', () => {
  assert.equal(javaQuoted('plain'), '"plain"')
  assert.equal(javaQuoted('a"b'), '"a\\"b"')
  assert.equal(javaQuoted('a\\b'), '"a\\\\b"')
  // A backslash before a quote: both escaped, so the quote cannot end the value early.
  assert.equal(javaQuoted('\\"'), '"\\\\\\""')
  assert.equal(javaQuoted('é ü;='), '"é ü;="')
})

test('a JAAS configuration names the mechanism’s login module and quotes every option', () => {
  assert.equal(
    jaasConfig('SCRAM-SHA-512', { username: 'admin', password: 'p"a\\ss' }),
    'org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="p\\"a\\\\ss";',
  )
  assert.equal(
    jaasConfig('PLAIN', { username: 'admin', password: 'x', user_admin: 'x', user_traffic: 'y"' }),
    'org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="x" user_admin="x" user_traffic="y\\"";',
  )
})
