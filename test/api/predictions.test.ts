import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FORMAT_PREDICTION, round4 } from '../../src/api/predictions.ts'

test('round4 matches Python round(x, 4), the seed API rounding, including exact halves to even', () => {
  // Expected values printed by CPython 3.11's round(x, 4).
  const cases: [number, number][] = [
    [0.123456789, 0.1235],
    [0.00005, 0.0001],
    [1.03125, 1.0312],
    [1.09375, 1.0938],
    [-1.03125, -1.0312],
    [0.84375, 0.8438],
    [1234.56785, 1234.5678],
    [0.99995, 1],
    [2.5, 2.5],
    [0, 0],
  ]
  for (const [x, expected] of cases) assert.equal(round4(x), expected, `round4(${x})`)
})

test('each model answers with the seed keys, rounded to 4 decimals', () => {
  assert.deepEqual(FORMAT_PREDICTION.traffic_density({ prediction: 0.276543 }), {
    predicted_traffic_density: 0.2765,
  })
  assert.deepEqual(FORMAT_PREDICTION.energy_consumption({ prediction: 47.123449 }), {
    predicted_energy_consumption: 47.1234,
  })
  assert.deepEqual(
    FORMAT_PREDICTION.is_peak_hour({ prediction: 1, probability: Float64Array.of(0.12344, 0.87656) }),
    {
      predicted_is_peak_hour: 1,
      label: 'Peak Hour',
      probability_of_predicted_class: 0.8766,
    },
  )
  assert.deepEqual(
    FORMAT_PREDICTION.is_peak_hour({ prediction: 0, probability: Float64Array.of(0.9, 0.1) }),
    {
      predicted_is_peak_hour: 0,
      label: 'Not Peak Hour',
      probability_of_predicted_class: 0.9,
    },
  )
})
