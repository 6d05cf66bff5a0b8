import assert from 'node:assert/strict'
import { test } from 'node:test'
import { beats, decide, type Margins, newFilesOf, tooFewRows } from '../../src/lifecycle/compare.ts'
import type { Comparison } from '../../src/lifecycle/registry.ts'
import { type BatchFile, batchFileName } from '../../src/stream/batch-files.ts'
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

function file(partition: number, first: number, last: number): BatchFile {
  const [f, l] = [BigInt(first), BigInt(last)]
  return { topic: 't', partition, first: f, last: l, name: batchFileName('t', partition, f, l) }
}

test("compared on the window's files newer than every offset the champion was trained on", () => {
  const files = [file(0, 0, 99), file(0, 100, 199), file(0, 200, 299), file(1, 0, 49), file(1, 50, 149)]
  const window = { files, paths: files.map((f) => `s3a://bucket/batches/${f.name}`) }
  // Trained on 0:0–199 and 1:0–49: the newer files are 0:200 and 1:50, whatever the window's older files hold.
  const fresh = newFilesOf(window, [
    { partition: 0, first: 0, last: 199 },
    { partition: 1, first: 0, last: 49 },
  ])
  assert.deepEqual(fresh.paths, [window.paths[2], window.paths[4]])
  assert.equal(fresh.rows, 100 + 100)
  // A champion trained on the newest file of a partition has seen all of that partition's files in the window.
  assert.deepEqual(newFilesOf(window, [{ partition: 0, first: 200, last: 299 }]).paths, window.paths.slice(3))
  // One that never saw this topic's offsets (an older registry): every file is new to it.
  assert.deepEqual(newFilesOf(window, []).paths, window.paths)
})

test('too few new held-out rows when any model has fewer than the minimum, with the counts', () => {
  const counts = { traffic_density_model: 1200, peak_hour_model: 999, energy_consumption_model: 1000 }
  assert.equal(
    tooFewRows(counts, 1000),
    'too few new held-out rows: peak_hour_model 999 (at least 1000 per model, from batch files newer than ' +
      "the champion's data)",
  )
  assert.equal(tooFewRows(counts, 999), undefined)
})
