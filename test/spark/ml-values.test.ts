import assert from 'node:assert/strict'
import { test } from 'node:test'
import { double } from '../../src/spark/expressions.ts'
import {
  denseVector,
  fromLiteral,
  fromStoredVector,
  MATRIX_UDT,
  type MlMatrix,
  mlParams,
  paramLiteral,
  sparseVector,
  toDense,
  VECTOR_UDT,
} from '../../src/spark/ml-values.ts'
import { literalOnTheWire } from './wire.ts'

const vectorType = { udt: { type: 'udt', jvm_class: VECTOR_UDT } }

test('a dense vector is a VectorUDT struct: type 1, null size and indices, double values', () => {
  assert.deepEqual(paramLiteral(denseVector([1, 2.5])), {
    struct: {
      struct_type: vectorType,
      elements: [
        { byte: 1 },
        { null: { null: {} } },
        { null: { null: {} } },
        { specialized_array: { doubles: { values: [1, 2.5] } } },
      ],
    },
  })
})

test('a sparse vector is type 0 with size and int indices', () => {
  assert.deepEqual(paramLiteral(sparseVector(5, [1, 3], [0.5, 0.25])).struct?.elements, [
    { byte: 0 },
    { integer: 5 },
    { specialized_array: { ints: { values: [1, 3] } } },
    { specialized_array: { doubles: { values: [0.5, 0.25] } } },
  ])
})

test('vectors and matrices survive encode → the wire → decode', () => {
  for (const vector of [denseVector([1, 2]), sparseVector(4, [0, 2], [3, 4])]) {
    assert.deepEqual(fromLiteral(literalOnTheWire(paramLiteral(vector))), vector)
  }
  const dense: MlMatrix = { numRows: 2, numCols: 2, values: [1, 2, 3, 4], isTransposed: false }
  const sparse: MlMatrix = { ...dense, values: [1, 4], colPtrs: [0, 1, 2], rowIndices: [0, 1] }
  for (const matrix of [dense, sparse]) {
    assert.deepEqual(fromLiteral(literalOnTheWire(paramLiteral(matrix))), matrix)
  }
  assert.equal(paramLiteral(dense).struct?.struct_type?.udt?.jvm_class, MATRIX_UDT)
})

test('a stored vector (Arrow results, Parquet files) decodes the same way, dense or sparse; anything else is not one', () => {
  assert.deepEqual(
    fromStoredVector({ type: 1, size: null, indices: null, values: [0.5, 1.5] }),
    denseVector([0.5, 1.5]),
  )
  assert.deepEqual(
    fromStoredVector({ type: 0, size: 4, indices: new Int32Array([1, 3]), values: new Float64Array([2, 4]) }),
    sparseVector(4, [1, 3], [2, 4]),
  )
  for (const stored of [
    null,
    'x',
    { type: 0, size: 4, values: [1] },
    { type: 2, values: [1] },
    { type: 1 },
  ]) {
    assert.equal(fromStoredVector(stored), undefined, JSON.stringify(stored))
  }
})

test('toDense fills the gaps of a sparse vector', () => {
  assert.deepEqual(toDense(sparseVector(4, [1, 3], [5, 6])), [0, 5, 0, 6])
  assert.deepEqual(toDense(denseVector([1, 2])), [1, 2])
})

test('mlParams maps every param to a literal', () => {
  assert.deepEqual(
    mlParams({ inputCol: 'City', numTrees: 20, subsamplingRate: double(1), inputCols: ['a'] }),
    {
      params: {
        inputCol: { string: 'City' },
        numTrees: { integer: 20 },
        subsamplingRate: { double: 1 },
        inputCols: {
          array: { elements: [{ string: 'a' }] },
          data_type: { array: { element_type: { string: {} }, contains_null: false } },
        },
      },
    },
  )
  assert.deepEqual(mlParams(), { params: {} })
})

test('fromLiteral decodes what the server returns', () => {
  assert.equal(fromLiteral({ double: 0.5, literal_type: 'double' }), 0.5)
  assert.equal(fromLiteral({ integer: 0, literal_type: 'integer' }), 0)
  assert.equal(fromLiteral({ long: '42' }), 42)
  assert.equal(fromLiteral({ long: '12345678901234567890' }), 12345678901234567890n)
  assert.equal(fromLiteral({ boolean: false }), false)
  assert.equal(fromLiteral({ string: '' }), '')
  assert.equal(fromLiteral({ null: { null: {} } }), null)
  assert.equal(fromLiteral({ decimal: { value: '1.25' } }), 1.25)
  assert.deepEqual(fromLiteral({ array: { elements: [{ string: 'a' }, { string: 'b' }] } }), ['a', 'b'])
  assert.deepEqual(fromLiteral({ specialized_array: { doubles: { values: [1, 2] } } }), [1, 2])
  assert.throws(() => fromLiteral({}), { code: 'SERVER_ERROR' })
})
