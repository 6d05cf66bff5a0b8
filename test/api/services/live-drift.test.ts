// The live PSI: rows binned with the training's bins, the PSI of the last rows against the training shares, a
// window that forgets its oldest rows, and fresh bins (models trained again) that start it afresh.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LiveDrift } from '../../../src/api/services/live-drift.ts'
import type { TrafficRecord } from '../../../src/contract/columns.ts'
import { binOf, type FeatureBins, populationStabilityIndex } from '../../../src/drift.ts'
import { REAL_ROW } from '../../fixtures/records.ts'

const SPEED: FeatureBins = { feature: 'Speed', kind: 'measure', edges: [40, 80], shares: [0.25, 0.5, 0.25] }
const CITY: FeatureBins = {
  feature: 'City',
  kind: 'category',
  values: ['AquaCity', 'Neuroburg'],
  shares: [0.5, 0.5],
}
const BINS = [SPEED, CITY]

const row = (speed: number, city: string) => ({ ...REAL_ROW, Speed: speed, City: city }) as TrafficRecord

test('a measure falls in the bin below its first greater edge; a category in its value’s bin', () => {
  assert.deepEqual(
    [10, 40, 79.99, 80, 500].map((speed) => binOf(SPEED, row(speed, 'AquaCity'))),
    [0, 1, 1, 2, 2],
  )
  assert.equal(binOf(CITY, row(50, 'Neuroburg')), 1)
  assert.equal(binOf(CITY, row(50, 'TechHaven')), -1)
})

test('PSI is 0 for the training shares and grows with the shift, finite over an empty bin', () => {
  assert.equal(populationStabilityIndex([0.25, 0.5, 0.25], [25, 50, 25]), 0)
  const small = populationStabilityIndex([0.25, 0.5, 0.25], [30, 45, 25])
  const large = populationStabilityIndex([0.25, 0.5, 0.25], [0, 20, 80])
  assert.ok(small > 0 && small < 0.1, String(small))
  assert.ok(Number.isFinite(large) && large > 0.25, String(large))
})

test('the live window keeps the last rows only, and new bins start it afresh', () => {
  const drift = new LiveDrift(4)
  for (const speed of [10, 50, 60, 90]) drift.add(row(speed, speed < 55 ? 'AquaCity' : 'Neuroburg'), BINS)
  const matching = drift.summary(BINS)
  assert.equal(matching.rows, 4)
  assert.deepEqual(
    matching.features.map((f) => [f.feature, f.psi, f.level]),
    [
      ['Speed', 0, 'none'],
      ['City', 0, 'none'],
    ],
  )
  // Four slow rows push the earlier four out: every row of the window is now in Speed's first bin.
  for (let i = 0; i < 4; i++) drift.add(row(5, 'AquaCity'), BINS)
  const shifted = drift.summary(BINS)
  assert.equal(shifted.rows, 4)
  assert.deepEqual(
    shifted.features.map((f) => f.level),
    ['significant', 'significant'],
  )
  assert.ok(
    Math.abs((shifted.features[0]?.psi ?? 0) - populationStabilityIndex(SPEED.shares, [4, 0, 0])) < 1e-12,
  )
  const retrained = BINS.map((bins) => ({ ...bins }))
  assert.deepEqual(drift.summary(retrained), { window: 4, rows: 0, features: [] })
  drift.add(row(50, 'AquaCity'), retrained)
  assert.equal(drift.summary(retrained).rows, 1)
  assert.deepEqual(drift.summary(undefined), { window: 4, rows: 0, features: [] })
})
