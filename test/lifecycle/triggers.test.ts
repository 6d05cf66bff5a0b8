import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import {
  countTrigger,
  type DriftMeasure,
  driftTrigger,
  errorRatio,
  filesAfter,
  filesWithin,
  modelError,
  rowsOf,
  type Thresholds,
} from '../../src/lifecycle/triggers.ts'
import { type BatchFile, batchFileName } from '../../src/stream/batch-files.ts'

const THRESHOLDS: Thresholds = {
  minNewRows: 1000,
  scheduleMs: 0,
  driftErrorRatio: 1.5,
  driftPsi: 0.25,
  driftMinRows: 100,
}

function file(partition: number, first: number, last: number): BatchFile {
  const [f, l] = [BigInt(first), BigInt(last)]
  return { topic: 't', partition, first: f, last: l, name: batchFileName('t', partition, f, l) }
}

test('new files are those after the newest offset the champion saw in their partition', () => {
  const files = [
    file(0, 0, 99),
    file(0, 100, 199),
    file(0, 200, 299),
    file(1, 0, 49),
    file(1, 50, 99),
    file(2, 0, 9),
  ]
  const trained = [
    { partition: 0, first: 100, last: 199 },
    { partition: 1, first: 0, last: 49 },
  ]
  const fresh = filesAfter(files, trained)
  assert.deepEqual(
    fresh.map((f) => `${f.partition}:${f.first}`),
    ['0:200', '1:50', '2:0'],
  )
  assert.equal(rowsOf(fresh), 100 + 50 + 10)
})

test('new rows fire first, then the schedule when it is on', () => {
  assert.equal(countTrigger(1000, 0, THRESHOLDS), 'new rows: 1000')
  assert.equal(countTrigger(999, 10 ** 9, THRESHOLDS), undefined)
  assert.equal(
    countTrigger(10, 120_000, { ...THRESHOLDS, scheduleMs: 60_000 }),
    'schedule: 120 s since the champion was trained',
  )
  assert.equal(countTrigger(10, 59_999, { ...THRESHOLDS, scheduleMs: 60_000 }), undefined)
})

function measure(ratios: [number, number, number], psi: number): DriftMeasure {
  const [density, peak, energy] = ratios
  return {
    rows: 500,
    errors: {
      traffic_density_model: { recent: density * 0.1, heldOut: 0.1, ratio: density },
      peak_hour_model: { recent: peak * 0.01, heldOut: 0.01, ratio: peak },
      energy_consumption_model: { recent: energy, heldOut: 1, ratio: energy },
    },
    cities: [],
    psi: { feature: 'Traffic Density', value: psi },
  }
}

test('prediction drift names the model whose error grew most, with the numbers', () => {
  assert.equal(
    driftTrigger(measure([2.1, 1.2, 1.6], 0.05), THRESHOLDS),
    'drift: traffic_density_model error 2.10× held-out (0.2100 on 500 new rows, 0.1000 held out)',
  )
  assert.equal(driftTrigger(measure([1.49, 1, 1], 0.249), THRESHOLDS), undefined)
})

test('data drift fires on the largest PSI when the errors hold', () => {
  assert.equal(
    driftTrigger(measure([1, 1, 1], 0.31), THRESHOLDS),
    'drift: PSI 0.310 of Traffic Density on 500 new rows',
  )
})

test('the error of a regression is its RMSE, of a classifier its misses; a perfect held-out score counts one miss', () => {
  assert.equal(modelError({ rmse: 0.2, mae: 0.1, r2: 0.9 }), 0.2)
  assert.equal(
    modelError({
      accuracy: 0.75,
      areaUnderROC: 0.8,
      f1: 0.7,
      f1Positive: 0.7,
      precisionPositive: 0.7,
      recallPositive: 0.7,
      confusionMatrix: {
        counts: [
          [1, 0],
          [1, 2],
        ],
        labels: [0, 1],
      },
    }),
    0.25,
  )
  assert.equal(errorRatio(0.2, 0.1, 1000), 2)
  assert.equal(errorRatio(0.002, 0, 1000), 2)
})

test('the lifecycle settings: defaults, environment, and a clear error naming the setting', () => {
  const defaults = loadConfig({}, {}).lifecycle
  assert.equal(defaults.windowRows, 300_000)
  assert.equal(defaults.scheduleMs, 0)
  const set = loadConfig({}, { TRAFFIC_WINDOW_ROWS: '5000', TRAFFIC_DRIFT_ERROR_RATIO: '1.2' }).lifecycle
  assert.equal(set.windowRows, 5000)
  assert.equal(set.driftErrorRatio, 1.2)
  assert.throws(
    () => loadConfig({}, { TRAFFIC_DRIFT_ERROR_RATIO: '0.5' }),
    /TRAFFIC_DRIFT_ERROR_RATIO must be a number ≥ 1/,
  )
  assert.throws(
    () => loadConfig({}, { TRAFFIC_PROMOTE_RELATIVE: 'x' }),
    /TRAFFIC_PROMOTE_RELATIVE must be a number/,
  )
  assert.throws(
    () => loadConfig({}, { TRAFFIC_DRIFT_MIN_ROWS: '10' }),
    /TRAFFIC_DRIFT_MIN_ROWS must be an integer ≥ 100/,
  )
})

test("a city's error ratio fires the trigger when it reaches the threshold, naming the city", () => {
  const calm = measure([1.1, 1, 1.3], 0.05)
  const city = (ratio: number) => ({
    city: 'Neuroburg',
    model: 'energy_consumption_model' as const,
    rows: 170,
    recent: ratio * 2,
    heldOut: 2,
    ratio,
  })
  assert.equal(driftTrigger({ ...calm, cities: [city(1.49)] }, THRESHOLDS), undefined)
  assert.equal(
    driftTrigger({ ...calm, cities: [city(1.2), city(2.05)] }, THRESHOLDS),
    'drift: energy_consumption_model error 2.05× held-out in Neuroburg (4.100 on 170 new rows of Neuroburg, 2.000 held out)',
  )
  // A model's ratio over all rows above every city's still names no city.
  assert.match(
    driftTrigger({ ...measure([1.9, 1, 1], 0), cities: [city(1.6)] }, THRESHOLDS) as string,
    /^drift: traffic_density_model error 1\.90× held-out \(/,
  )
})

test("a version's files are those inside its offset ranges", () => {
  const files = [file(0, 0, 99), file(0, 100, 199), file(0, 200, 299), file(1, 0, 49), file(1, 50, 99)]
  const trained = [
    { partition: 0, first: 100, last: 299 },
    { partition: 1, first: 50, last: 99 },
  ]
  assert.deepEqual(
    filesWithin(files, trained).map((f) => `${f.partition}:${f.first}`),
    ['0:100', '0:200', '1:50'],
  )
})
