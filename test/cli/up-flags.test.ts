// `traffic up` refuses a bad live scenario before it does anything: no engine started, no stage run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { traffic } from '../fixtures/cli.ts'

test('traffic up --scenario refuses an unknown kind or city at once, naming the flag and the cities', async () => {
  for (const scenario of ['drift:Atlantis', 'flood:Neuroburg', 'drift:', '']) {
    const run = await traffic(['up', '--scenario', scenario])
    assert.equal(run.code, 1, scenario)
    assert.match(run.stderr, /--scenario must be jam:<City> or drift:<City>, got "/, scenario)
    assert.match(run.stderr, /cities: AquaCity, .*TechHaven/, scenario)
    assert.doesNotMatch(run.stdout, /Starting|started|produce|consume|train/, scenario)
  }
})
