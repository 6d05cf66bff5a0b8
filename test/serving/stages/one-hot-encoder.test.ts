import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError } from '../../../src/errors.ts'
import { createOneHotEncoder } from '../../../src/serving/stages/one-hot-encoder.ts'
import { runStage } from './layout.ts'

const encode = (dropLast: boolean, handleInvalid: 'keep' | 'error', index: number) => {
  const stage = createOneHotEncoder({
    uid: 'ohe_test',
    inputCols: ['idx'],
    outputCols: ['vec'],
    categorySizes: [3],
    dropLast,
    handleInvalid,
  })
  return [...(runStage(stage, { idx: ['number', index] }).get('vec') as Float64Array)]
}

test('dropLast (the default) encodes the last category as all zeros', () => {
  assert.deepEqual(encode(true, 'error', 0), [1, 0])
  assert.deepEqual(encode(true, 'error', 2), [0, 0])
  assert.deepEqual(encode(false, 'error', 2), [0, 0, 1])
})

test('handleInvalid=keep adds one slot for invalid indices, dropped again by dropLast', () => {
  assert.deepEqual(encode(false, 'keep', 7), [0, 0, 0, 1])
  assert.deepEqual(encode(true, 'keep', 7), [0, 0, 0])
  assert.deepEqual(encode(true, 'keep', 2), [0, 0, 1])
})

test('handleInvalid=error refuses an index outside the fitted categories', () => {
  assert.throws(
    () => encode(true, 'error', 3),
    (error) =>
      isTrafficError(error, 'INVALID_INPUT') && /idx: category index 3 is outside 0–2/.test(error.message),
  )
  assert.throws(
    () => encode(true, 'error', -1),
    (error) => isTrafficError(error, 'INVALID_INPUT'),
  )
})

test('the output vector is rewritten for every row (no stale ones from the previous row)', () => {
  const stage = createOneHotEncoder({
    uid: 'ohe_reuse',
    inputCols: ['idx'],
    outputCols: ['vec'],
    categorySizes: [3],
    dropLast: false,
    handleInvalid: 'error',
  })
  const first = runStage(stage, { idx: ['number', 0] })
  assert.deepEqual([...(first.get('vec') as Float64Array)], [1, 0, 0])
  const second = runStage(stage, { idx: ['number', 1] })
  assert.deepEqual([...(second.get('vec') as Float64Array)], [0, 1, 0])
})
