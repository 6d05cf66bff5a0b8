import assert from 'node:assert/strict'
import { test } from 'node:test'
import { tableFromArrays, tableFromJSON, tableToIPC } from 'apache-arrow'
import { tableFromBatches, tableToRows } from '../../src/spark/arrow.ts'
import { VECTOR_UDT } from '../../src/spark/ml-values.ts'

const ipc = (table: Parameters<typeof tableToIPC>[0]) => Buffer.from(tableToIPC(table, 'stream'))

test('several Arrow IPC streams become one table, in order', () => {
  const first = tableFromArrays({ id: Int32Array.from([1, 2]), name: ['a', 'b'] })
  const second = tableFromArrays({ id: Int32Array.from([3]), name: ['c'] })
  const table = tableFromBatches([ipc(first), ipc(second)])
  assert.equal(table.numRows, 3)
  assert.deepEqual(tableToRows(table), [
    { id: 1, name: 'a' },
    { id: 2, name: 'b' },
    { id: 3, name: 'c' },
  ])
  assert.equal(tableFromBatches([]).numRows, 0)
})

test('64-bit integers become numbers while safe, bigint beyond 2^53', () => {
  const table = tableFromArrays({ n: BigInt64Array.from([42n, 2n ** 60n]) })
  assert.deepEqual(
    tableToRows(tableFromBatches([ipc(table)])).map((row) => row.n),
    [42, 2n ** 60n],
  )
})

test('structs, lists and nulls become plain objects, arrays and null', () => {
  const table = tableFromJSON([
    { s: { x: 1, y: 'z' }, l: [1, 2] },
    { s: null, l: null },
  ])
  assert.deepEqual(tableToRows(tableFromBatches([ipc(table)])), [
    { s: { x: 1, y: 'z' }, l: [1, 2] },
    { s: null, l: null },
  ])
})

test('an ML vector column becomes dense numbers, whether stored dense or sparse', () => {
  const table = tableFromJSON([
    { features: { type: 0, size: 3, indices: [2], values: [7] } },
    { features: { type: 1, size: null, indices: null, values: [0.5, 1.5] } },
  ])
  const sparkSchema = {
    struct: { fields: [{ name: 'features', data_type: { udt: { type: 'udt', jvm_class: VECTOR_UDT } } }] },
  }
  assert.deepEqual(tableToRows(tableFromBatches([ipc(table)]), sparkSchema), [
    { features: [0, 0, 7] },
    { features: [0.5, 1.5] },
  ])
})
