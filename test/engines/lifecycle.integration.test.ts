// The engines the test command started: starting again is harmless; another instance on the same
// ports gets a clear message instead of a half-started engine.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { engineStatuses, startEngines } from '../../src/engines/lifecycle.ts'
import { isTrafficError } from '../../src/errors.ts'

const config = loadConfig()

test('status reports both local engines healthy, with versions, PIDs and logs', async () => {
  const statuses = await engineStatuses(config)
  assert.deepEqual(
    statuses.map((s) => [s.name, s.healthy, s.action]),
    [
      ['Kafka', true, 'running'],
      ['Spark Connect', true, 'running'],
    ],
  )
  for (const status of statuses) {
    assert.match(status.version, /^4\.\d+\.\d+$/)
    assert.ok(status.pid && status.pid > 0)
    assert.ok(status.logFile?.endsWith('.log'))
  }
})

test('starting twice is harmless: the running engines are reused', async () => {
  const before = await engineStatuses(config)
  const again = await startEngines(config)
  assert.deepEqual(
    again.map((s) => [s.name, s.action, s.pid]),
    before.map((s) => [s.name, 'already running', s.pid]),
  )
})

test('a second instance on ports in use fails with PORT_IN_USE naming the port', async () => {
  const stateDir = await mkdtemp(path.join(tmpdir(), 'traffic-engines-'))
  try {
    const other = loadConfig({ stateDir })
    await assert.rejects(startEngines(other), (error) => {
      assert.ok(isTrafficError(error, 'PORT_IN_USE'))
      assert.match(error.message, new RegExp(`port (${config.kafka.port}|${config.spark.port})`))
      return true
    })
  } finally {
    await rm(stateDir, { recursive: true, force: true })
  }
})

test('engines pointed elsewhere are not started, only checked', async () => {
  const external = loadConfig({ brokers: '127.0.0.1:1', sparkRemote: 'sc://127.0.0.1:1' })
  const statuses = await startEngines(external)
  assert.deepEqual(
    statuses.map((s) => [s.name, s.action, s.healthy, s.pid]),
    [
      ['Kafka', 'external', false, undefined],
      ['Spark Connect', 'external', false, undefined],
    ],
  )
})
