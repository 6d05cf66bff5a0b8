import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { leaveStaleLock, race } from './lock-race.ts'

const root = mkdtempSync(path.join(tmpdir(), 'models-lock-race-'))
after(() => rmSync(root, { recursive: true, force: true }))

const RACERS = 6

test(`of ${RACERS} processes racing for a free models lock, exactly one wins`, async () => {
  assert.equal(await race(path.join(root, 'free'), RACERS), 1)
})

test(`of ${RACERS} processes racing over a lock whose holder was SIGKILLed, exactly one wins, every time`, async () => {
  const location = path.join(root, 'stale')
  for (let round = 1; round <= 4; round++) {
    await leaveStaleLock(location)
    assert.equal(await race(location, RACERS), 1, `round ${round}`)
  }
})
