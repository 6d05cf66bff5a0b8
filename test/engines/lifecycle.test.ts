// PID files that do not name our engine: `engines status` and `engines stop` must never take a stranger for it.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { engineStatuses, stopEngines } from '../../src/engines/lifecycle.ts'
import { isAlive, recordOf } from '../../src/engines/process-identity.ts'

const stateDir = mkdtempSync(path.join(tmpdir(), 'traffic-stale-pid-'))
const config = loadConfig({ stateDir })
const kafkaPidFile = path.join(stateDir, 'kafka', 'kafka.pid')
mkdirSync(path.dirname(kafkaPidFile), { recursive: true })

// A harmless process whose command line contains Kafka's main class, as an unrelated program's might.
const stranger = spawn('sleep', ['60'], { argv0: 'kafka.Kafka', stdio: 'ignore' })
const strangerPid = stranger.pid as number
after(() => {
  stranger.kill('SIGKILL')
  rmSync(stateDir, { recursive: true, force: true })
})

async function kafkaStatus() {
  const statuses = await engineStatuses(config)
  return statuses.find((s) => s.name === 'Kafka')
}

for (const [what, content] of [
  ['a bare PID (as older versions wrote)', async () => `${strangerPid}\n`],
  ['its PID and true start time, but not our mark', async () => JSON.stringify(await recordOf(strangerPid))],
] as const) {
  test(`a PID file naming a stranger with ${what} is stale: never signalled by stop`, async () => {
    writeFileSync(kafkaPidFile, await content())
    const status = await kafkaStatus()
    assert.equal(status?.action, 'stale')
    assert.equal(status?.pid, undefined)
    assert.match(status?.note ?? '', new RegExp(`process ${strangerPid}, which is not this engine`))

    const stopped = (await stopEngines(config)).find((s) => s.name === 'Kafka')
    assert.equal(stopped?.action, 'stale')
    assert.ok(isAlive(strangerPid), 'the stranger is still alive')
    assert.equal((await kafkaStatus())?.action, 'not running', 'the stale PID file is dropped')
  })
}

test('a PID file that holds no PID at all is stale too', async () => {
  writeFileSync(kafkaPidFile, 'garbage')
  assert.equal((await kafkaStatus())?.action, 'stale')
})
