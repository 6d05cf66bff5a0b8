import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LiveState } from '../../../src/api/services/live-state.ts'

test('the simulated clock only moves forward', () => {
  const state = new LiveState()
  assert.equal(state.clock, null)
  state.seeEventTime('2026-01-05T08:00:00Z')
  state.seeEventTime('2026-01-05T07:00:00Z')
  state.seeEventTime('not a time')
  assert.equal(state.clock, '2026-01-05T08:00:00.000Z')
})
