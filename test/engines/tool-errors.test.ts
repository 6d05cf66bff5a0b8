import assert from 'node:assert/strict'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { clusterSecurity } from '../../src/engines/cluster-security.ts'
import { redactSecrets } from '../../src/engines/command-line.ts'
import { runTool } from '../../src/engines/lifecycle.ts'
import { isTrafficError } from '../../src/errors.ts'

test('every occurrence of each secret is hidden; empty secrets hide nothing', () => {
  assert.equal(
    redactSecrets('pass=s3cret, again s3cret; other', ['s3cret', '', 'other']),
    'pass=***, again ***; ***',
  )
})

test('a failing tool’s error names the step, its exit code and command line, with its secrets hidden', async () => {
  const secret = 'hunter2-not-to-be-shown'
  const failing = runTool(
    'echoing a secret',
    'sh',
    ['-c', 'echo "token=$TOOL_SECRET" >&2; exit 3', 'sh', secret],
    {
      TOOL_SECRET: secret,
    },
  )
  await assert.rejects(failing, (error) => {
    assert.ok(isTrafficError(error, 'ENGINE_START_FAILED'))
    assert.match(error.message, /^echoing a secret failed \(exit code 3\): sh -c /)
    assert.match(error.message, /token=\*\*\*/)
    assert.doesNotMatch(error.message, new RegExp(secret))
    return true
  })
})

test('keytool failing on a broken store: the error shows where the password comes from, never the password', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'traffic-keytool-'))
  await writeFile(path.join(dir, 'ca.p12'), 'not a PKCS12 store')
  await assert.rejects(clusterSecurity(dir, '127.0.0.1', runTool), (error) => {
    assert.ok(isTrafficError(error, 'ENGINE_START_FAILED'))
    assert.match(
      error.message,
      /^keytool: making the CA failed \(exit code 1\): .*-storepass:env TRAFFIC_STORE_PASSWORD/,
    )
    // The store password is 18 random bytes in hex.
    assert.doesNotMatch(error.message, /[0-9a-f]{36}/)
    return true
  })
})

test('a tool that cannot start is named with the system’s reason', async () => {
  await assert.rejects(runTool('running a missing tool', '/nonexistent/tool', ['-x']), (error) => {
    assert.ok(isTrafficError(error, 'ENGINE_START_FAILED'))
    assert.match(error.message, /^running a missing tool failed \(ENOENT\): \/nonexistent\/tool -x/)
    return true
  })
})
