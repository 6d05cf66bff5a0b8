import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError } from '../../../src/errors.ts'
import { createStandardScaler } from '../../../src/serving/stages/standard-scaler.ts'
import { runStage } from './layout.ts'

const scale = (withMean: boolean, withStd: boolean, x: number[]) => {
  const stage = createStandardScaler({
    uid: 'scaler_test',
    inputCol: 'raw',
    outputCol: 'scaled',
    mean: Float64Array.of(10, 2, 5),
    std: Float64Array.of(4, 0, 3),
    withMean,
    withStd,
  })
  return [...(runStage(stage, { raw: ['vector', Float64Array.from(x), 3] }).get('scaled') as Float64Array)]
}

test('withStd multiplies by 1/std (0 where std is 0), as Spark does, not divides', () => {
  assert.deepEqual(scale(false, true, [12, 7, 5]), [12 * (1 / 4), 0, 5 * (1 / 3)])
  // Multiplying by the reciprocal can differ from dividing in the last bit; Spark multiplies.
  assert.notEqual(5 * (1 / 3), 5 / 3)
})

test('withMean subtracts the mean first; both together give (x − mean) × (1/std)', () => {
  assert.deepEqual(scale(true, false, [12, 7, 0.7]), [2, 5, 0.7 - 5])
  assert.deepEqual(scale(true, true, [12, 7, 0.7]), [2 * (1 / 4), 0, (0.7 - 5) * (1 / 3)])
  assert.deepEqual(scale(false, false, [12, 7, 0.7]), [12, 7, 0.7])
})

test('a vector of another size is refused when the pipeline is compiled', () => {
  const stage = createStandardScaler({
    uid: 'scaler_size',
    inputCol: 'raw',
    outputCol: 'scaled',
    mean: Float64Array.of(0, 0),
    std: Float64Array.of(1, 1),
    withMean: false,
    withStd: true,
  })
  assert.throws(
    () => runStage(stage, { raw: ['vector', Float64Array.of(1, 2, 3), 3] }),
    (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && /expects 2 features, gets 3/.test(error.message),
  )
})
