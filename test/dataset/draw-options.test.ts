// The live feed's draws: a row of a given Day Of Week and hour, and a drifted city whose density level rises by
// DRIFT.level and whose density falls with speed, while the other cities stay as they were.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TrafficRecord } from '../../src/contract/columns.ts'
import { type DrawOptions, drawRecord } from '../../src/dataset/generator.ts'
import { DRIFT } from '../../src/dataset/profile.ts'
import { Random } from '../../src/dataset/random.ts'

const ROWS = 60_000

function draw(options: DrawOptions, seed = 3): TrafficRecord[] {
  const random = new Random(seed)
  return Array.from({ length: ROWS }, () => drawRecord(random, options))
}

const mean = (values: number[]) => values.reduce((sum, x) => sum + x, 0) / values.length

function correlation(xs: number[], ys: number[]): number {
  const mx = mean(xs)
  const my = mean(ys)
  let sxy = 0
  let sxx = 0
  let syy = 0
  xs.forEach((x, i) => {
    const y = ys[i] as number
    sxy += (x - mx) * (y - my)
    sxx += (x - mx) ** 2
    syy += (y - my) ** 2
  })
  return sxy / Math.sqrt(sxx * syy)
}

const densities = (rows: TrafficRecord[], city: string) =>
  rows.filter((r) => r.City === city).map((r) => r['Traffic Density'])

test('rows drawn at a day and hour are of that day and hour, with its peak flag', () => {
  const rows = draw({ at: { day: 'Tuesday', hour: 8 } }).slice(0, 1000)
  assert.ok(
    rows.every((r) => r['Day Of Week'] === 'Tuesday' && r['Hour Of Day'] === 8 && r['Is Peak Hour'] === 1),
  )
})

test('a drifted city: density level × DRIFT.level, density falling with speed; other cities unchanged', () => {
  const at = { day: 'Tuesday', hour: 8 } as const
  const usual = draw({ at })
  const drifted = draw({ at, drift: { city: 'Neuroburg' } })
  const ratio = mean(densities(drifted, 'Neuroburg')) / mean(densities(usual, 'Neuroburg'))
  assert.ok(Math.abs(ratio - DRIFT.level) < 0.15, String(ratio))
  const neuroburg = drifted.filter((r) => r.City === 'Neuroburg')
  const slope = correlation(
    neuroburg.map((r) => r.Speed),
    neuroburg.map((r) => r['Traffic Density']),
  )
  assert.ok(slope < -0.2, `speed–density correlation ${slope}`)
  // Same seed, same draws: the other cities' rows are identical.
  assert.deepEqual(
    drifted.filter((r) => r.City !== 'Neuroburg'),
    usual.filter((r) => r.City !== 'Neuroburg'),
  )
})
