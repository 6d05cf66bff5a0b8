// The Live page's error chart as a pure function of the API's throughput history: each model's live error over its
// held-out error per sample, and a dashed line at each change of champion (promotion, rollback) since the first sample.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { errorRatios } from '../../src/api/services/live-scoring.ts'
import type { LiveScoring, LogEntry, ModelScoring, ThroughputSample } from '../../web/src/api/contract.ts'
import { liveErrorChart } from '../../web/src/charts/versions.ts'

const model = (id: string, live: number | null, heldOut: number | null): ModelScoring => ({
  id,
  target: id,
  live: live === null ? null : { count: 100, mae: live, rmse: live },
  held_out: heldOut === null ? null : { mae: heldOut, rmse: heldOut },
  cities: [],
})

const scoring = (models: ModelScoring[]) => ({ models }) as LiveScoring

const sample = (time: string, error_ratios: Record<string, number>): ThroughputSample => ({
  time,
  produce_rows_per_s: 0,
  consume_rows_per_s: 0,
  lag: 0,
  error_ratios,
})

const entry = (seq: number, at: string, action: LogEntry['action'], to: string): LogEntry => ({
  seq,
  at,
  action,
  from: 'v0',
  to,
  reason: 'test',
})

test('a sample holds live MAE over held-out MAE per model, leaving out models without either', () => {
  const ratios = errorRatios(
    scoring([
      model('traffic_density', 0.06, 0.03),
      model('is_peak_hour', null, 0.2),
      model('energy_consumption', 4, 0),
    ]),
  )
  assert.deepEqual(ratios, { traffic_density: 2 })
})

test('promotions and rollbacks since the first sample are marked, labelled with the short id; rejections are not', () => {
  const samples = [
    sample('2026-01-05T07:00:00.000Z', { traffic_density: 1.1, energy_consumption: 0.9 }),
    sample('2026-01-05T07:00:10.000Z', { traffic_density: 2.4, energy_consumption: 1 }),
  ]
  const log = [
    entry(1, '2026-01-05T06:59:00.000Z', 'promote', '20260105T065900000Z-aaaaaa'),
    entry(2, '2026-01-05T07:00:03.000Z', 'reject', '20260105T070003000Z-bbbbbb'),
    entry(3, '2026-01-05T07:00:05.000Z', 'promote', '20260105T070005000Z-cccccc'),
    entry(4, '2026-01-05T07:00:08.000Z', 'rollback', '20260105T065900000Z-aaaaaa'),
  ]
  const option = liveErrorChart(samples, log)
  const series = option.series as { name: string; data: [number, number][]; markLine?: { data: unknown[] } }[]
  assert.deepEqual(
    series.map((s) => s.name),
    ['Traffic density', 'Energy consumption'],
    'no line for the model without a live error',
  )
  assert.deepEqual(series[0]?.data, [
    [Date.parse('2026-01-05T07:00:00.000Z'), 1.1],
    [Date.parse('2026-01-05T07:00:10.000Z'), 2.4],
  ])
  assert.deepEqual(series[0]?.markLine?.data, [
    { xAxis: Date.parse('2026-01-05T07:00:05.000Z'), label: { formatter: 'promoted cccccc' } },
    { xAxis: Date.parse('2026-01-05T07:00:08.000Z'), label: { formatter: 'rolled back to aaaaaa' } },
  ])
  assert.equal(series[1]?.markLine, undefined, 'one series carries the marks')
})

test('with no sample yet nothing is drawn, so nothing is marked', () => {
  const option = liveErrorChart([], [entry(1, '2026-01-05T07:00:00.000Z', 'promote', 'x-aaaaaa')])
  assert.deepEqual(option.series, [])
})
