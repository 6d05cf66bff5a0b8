import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LiveWindow } from '../../../src/api/live-schemas.ts'
import { LiveState, WINDOWS_PER_CITY } from '../../../src/api/services/live-state.ts'

const HOUR = 3_600_000
function window(city: string, hour: number, rows: number): LiveWindow {
  const start = Date.parse('2026-01-05T00:00:00Z') + hour * HOUR
  return {
    city,
    window_start: new Date(start).toISOString(),
    window_end: new Date(start + HOUR).toISOString(),
    rows,
    mean_traffic_density: rows / 100,
    mean_speed: 50,
    peak_share: 0,
    mean_energy_consumption: 40,
  }
}

test('a window re-sent in update mode replaces the earlier value; each city keeps its last windows', () => {
  const state = new LiveState()
  state.addWindow(window('AquaCity', 1, 5))
  state.addWindow(window('AquaCity', 0, 3))
  state.addWindow(window('AquaCity', 1, 9))
  state.addWindow(window('Neuroburg', 0, 4))
  assert.deepEqual(state.windows.latest, [window('AquaCity', 1, 9), window('Neuroburg', 0, 4)])
  assert.deepEqual(state.windows.recent, [
    window('AquaCity', 0, 3),
    window('Neuroburg', 0, 4),
    window('AquaCity', 1, 9),
  ])

  for (let hour = 2; hour < WINDOWS_PER_CITY + 5; hour += 1) state.addWindow(window('AquaCity', hour, 1))
  const aqua = state.windows.recent.filter((w) => w.city === 'AquaCity')
  assert.equal(aqua.length, WINDOWS_PER_CITY)
  assert.equal(aqua[0]?.window_start, window('AquaCity', 5, 1).window_start, 'the oldest ones went')
})

test('alerts come latest window first, and one re-sent for the same window replaces the earlier one', () => {
  const state = new LiveState()
  const alert = (city: string, hour: number, density: number) => {
    const { mean_speed, peak_share, mean_energy_consumption, ...fields } = window(city, hour, 10)
    return { ...fields, mean_traffic_density: density, threshold: 0.5 }
  }
  state.addAlert(alert('AquaCity', 0, 0.6))
  state.addAlert(alert('Neuroburg', 0, 0.7))
  state.addAlert(alert('AquaCity', 0, 0.8))
  state.addAlert(alert('TechHaven', 2, 0.9))
  state.addAlert(alert('Neuroburg', 1, 0.6))
  assert.deepEqual(state.alerts, [
    alert('TechHaven', 2, 0.9),
    alert('Neuroburg', 1, 0.6),
    alert('AquaCity', 0, 0.8),
    alert('Neuroburg', 0, 0.7),
  ])
})

test('the simulated clock only moves forward', () => {
  const state = new LiveState()
  assert.equal(state.clock, null)
  state.seeEventTime('2026-01-05T08:00:00Z')
  state.seeEventTime('2026-01-05T07:00:00Z')
  state.seeEventTime('not a time')
  assert.equal(state.clock, '2026-01-05T08:00:00.000Z')
})
