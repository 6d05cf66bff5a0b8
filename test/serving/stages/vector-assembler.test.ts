import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError } from '../../../src/errors.ts'
import { createVectorAssembler } from '../../../src/serving/stages/vector-assembler.ts'
import { runStage } from './layout.ts'

const assembler = createVectorAssembler({ uid: 'va_test', inputCols: ['a', 'v', 'b'], outputCol: 'features' })

test('numbers and vectors are concatenated in inputCols order', () => {
  const out = runStage(assembler, {
    a: ['number', 1.5],
    v: ['vector', Float64Array.of(0, 1, 0), 3],
    b: ['number', 8],
  })
  assert.deepEqual([...(out.get('features') as Float64Array)], [1.5, 0, 1, 0, 8])
  assert.equal(out.layout.find('features')?.size, 5)
})

test('a missing or text input column is a model/input mismatch naming the column', () => {
  assert.throws(
    () => runStage(assembler, { a: ['number', 1], v: ['vector', Float64Array.of(1), 1] }),
    (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && /reads column "b"/.test(error.message),
  )
  assert.throws(
    () => runStage(assembler, { a: ['string', 'x'], v: ['vector', Float64Array.of(1), 1], b: ['number', 1] }),
    (error) =>
      isTrafficError(error, 'MODEL_UNSUPPORTED') &&
      /"a" as number or vector, but it holds a string/.test(error.message),
  )
})
