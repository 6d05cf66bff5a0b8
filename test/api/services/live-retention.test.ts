import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { LiveAlert, LiveWindow, ThroughputSample } from '../../../src/api/live-schemas.ts'
import {
  keepAlert,
  keepSample,
  keepWindow,
  MAX_ALERTS,
  NO_THROUGHPUT,
  NO_WINDOWS,
  THROUGHPUT_HISTORY,
  WINDOWS_PER_CITY,
} from '../../../src/api/services/live-retention.ts'

const HOUR = 3_600_000
const START = Date.parse('2026-01-05T00:00:00Z')

function window(city: string, hour: number, rows: number): LiveWindow {
  const start = START + hour * HOUR
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

function alert(city: string, hour: number, density: number): LiveAlert {
  const { mean_speed, peak_share, mean_energy_consumption, ...fields } = window(city, hour, 10)
  return {
    ...fields,
    mean_traffic_density: density,
    expected: 0.4,
    spread: 0.1,
    threshold: 0.5,
    z: 1.5,
    severity: 'low',
  }
}

function sample(second: number): ThroughputSample {
  return {
    time: new Date(START + second * 1000).toISOString(),
    produce_rows_per_s: second,
    consume_rows_per_s: second,
    lag: 0,
    error_ratios: {},
  }
}

const fold = <S, E>(start: S, events: E[], keep: (state: S, event: E) => S) => events.reduce(keep, start)

test('a window re-sent in update mode replaces the earlier value; each city keeps its last windows', () => {
  let windows = fold(
    NO_WINDOWS,
    [window('Neuroburg', 0, 4), window('AquaCity', 1, 5), window('AquaCity', 0, 3), window('AquaCity', 1, 9)],
    keepWindow,
  )
  assert.deepEqual(windows.latest, [window('AquaCity', 1, 9), window('Neuroburg', 0, 4)])
  assert.deepEqual(windows.recent, [
    window('AquaCity', 0, 3),
    window('Neuroburg', 0, 4),
    window('AquaCity', 1, 9),
  ])

  for (let hour = 2; hour < WINDOWS_PER_CITY + 5; hour += 1)
    windows = keepWindow(windows, window('AquaCity', hour, 1))
  const aqua = windows.recent.filter((w) => w.city === 'AquaCity')
  assert.equal(aqua.length, WINDOWS_PER_CITY)
  assert.equal(aqua[0]?.window_start, window('AquaCity', 5, 1).window_start, 'the oldest ones went')
  assert.deepEqual(
    windows.recent.filter((w) => w.city === 'Neuroburg'),
    [window('Neuroburg', 0, 4)],
  )
  assert.deepEqual(
    keepWindow(windows, window('AquaCity', 0, 7)),
    windows,
    'older than all it keeps: not kept',
  )
})

test('alerts come latest window first, and one re-sent for the same window replaces the earlier one', () => {
  const alerts = fold(
    [],
    [
      alert('AquaCity', 0, 0.6),
      alert('Neuroburg', 0, 0.7),
      alert('AquaCity', 0, 0.8),
      alert('TechHaven', 2, 0.9),
      alert('Neuroburg', 1, 0.6),
    ],
    keepAlert,
  )
  assert.deepEqual(alerts, [
    alert('TechHaven', 2, 0.9),
    alert('Neuroburg', 1, 0.6),
    alert('AquaCity', 0, 0.8),
    alert('Neuroburg', 0, 0.7),
  ])
})

test('over the limit, the alert of the oldest window goes, even when it arrived last', () => {
  const full = fold(
    [],
    Array.from({ length: MAX_ALERTS }, (_, hour) => alert('AquaCity', hour + 10, 0.6)),
    keepAlert,
  )
  const late = alert('Neuroburg', 0, 0.9)
  assert.deepEqual(keepAlert(full, late), full, 'a late alert older than all the kept ones is not kept')
  const newer = alert('Neuroburg', 30, 0.9)
  const kept = keepAlert(full, newer)
  assert.equal(kept.length, MAX_ALERTS)
  assert.ok(kept.includes(newer))
  assert.ok(!kept.some((a) => a.window_start === alert('AquaCity', 10, 0.6).window_start), 'the oldest went')
})

test('throughput keeps the last samples once each, however often the latest is repeated', () => {
  let throughput = NO_THROUGHPUT
  for (let second = 0; second < THROUGHPUT_HISTORY + 10; second += 1) {
    throughput = keepSample(throughput, sample(second))
    throughput = keepSample(throughput, sample(second))
  }
  assert.equal(throughput.history.length, THROUGHPUT_HISTORY)
  assert.deepEqual(throughput.history[0], sample(10))
  assert.deepEqual(throughput.latest, sample(THROUGHPUT_HISTORY + 9))
})
