import assert from 'node:assert/strict'
import { test } from 'node:test'
import { beats, decide, type Margins } from '../../src/lifecycle/compare.ts'
import type { Comparison } from '../../src/lifecycle/registry.ts'
import type { ClassificationMetrics, Metrics } from '../../src/training/evaluate.ts'

const MARGINS: Margins = { promoteAbsolute: 0.001, promoteRelative: 0.05 }

const r2 = (value: number): Metrics => ({ rmse: 1 - value, mae: 1 - value, r2: value })
const auc = (value: number): ClassificationMetrics => ({
  accuracy: value,
  areaUnderROC: value,
  f1: value,
  f1Positive: value,
  precisionPositive: value,
  recallPositive: value,
  confusionMatrix: {
    counts: [
      [1, 0],
      [0, 1],
    ],
    labels: [0, 1],
  },
})

function comparison(pairs: [Metrics, Metrics][]): Comparison {
  const names = ['traffic_density_model', 'peak_hour_model', 'energy_consumption_model'] as const
  const models = Object.fromEntries(
    names.map((name, i) => {
      const [champion, challenger] = pairs[i] as [Metrics, Metrics]
      return [name, { champion, challenger, better: beats(challenger, champion, MARGINS) }]
    }),
  ) as Comparison['models']
  return { rows: 100, models }
}

test('better means both margins: the absolute one on the score, the relative one on the error', () => {
  // 0.90 → 0.91: +0.01 score, error 0.10 → 0.09 (10 % less): better.
  assert.equal(beats(r2(0.91), r2(0.9), MARGINS), true)
  // 0.990 → 0.9995: +0.0095 score and half the error: better.
  assert.equal(beats(r2(0.9995), r2(0.99), MARGINS), true)
  // 0.50 → 0.5008: below the absolute margin.
  assert.equal(beats(r2(0.5008), r2(0.5), MARGINS), false)
  // 0.50 → 0.52: +0.02, but the error only 4 % lower: below the relative margin.
  assert.equal(beats(r2(0.52), r2(0.5), MARGINS), false)
  // Equal, and worse, are never better.
  assert.equal(beats(r2(0.9), r2(0.9), MARGINS), false)
  assert.equal(beats(r2(0.8), r2(0.9), MARGINS), false)
  // The classifier is scored by its area under ROC.
  assert.equal(beats(auc(0.99), auc(0.95), MARGINS), true)
  assert.equal(beats(auc(0.9505), auc(0.95), MARGINS), false)
})

test('promoted when better on one model and worse on none', () => {
  const decision = decide(
    comparison([
      [r2(0.8), r2(0.9)],
      [auc(1), auc(1)],
      [r2(0.98), r2(0.9802)],
    ]),
    MARGINS,
  )
  assert.equal(decision.promote, true)
  assert.match(decision.reason, /^better on traffic_density_model \(/)
  assert.match(decision.reason, /traffic_density_model 0\.8000 → 0\.9000/)
})

test('rejected when worse on any model, however much better on another', () => {
  const decision = decide(
    comparison([
      [r2(0.8), r2(0.95)],
      [auc(1), auc(1)],
      [r2(0.98), r2(0.95)],
    ]),
    MARGINS,
  )
  assert.equal(decision.promote, false)
  assert.match(
    decision.reason,
    /^worse on energy_consumption_model \(.*energy_consumption_model 0\.9800 → 0\.9500/,
  )
})

test('rejected when better on no model by the margins', () => {
  const decision = decide(
    comparison([
      [r2(0.9), r2(0.9004)],
      [auc(0.99), auc(0.99)],
      [r2(0.98), r2(0.9799)],
    ]),
    MARGINS,
  )
  assert.equal(decision.promote, false)
  assert.match(decision.reason, /^better on no model by the margins/)
})
