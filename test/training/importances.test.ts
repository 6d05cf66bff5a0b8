import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ColumnName } from '../../src/contract/columns.ts'
import { denseVector, sparseVector } from '../../src/spark/index.ts'
import { namedImportances, slotNames } from '../../src/training/importances.ts'

test('slot names come from the nominal, numeric and binary attribute groups', () => {
  const metadata = {
    ml_attr: {
      num_attrs: 4,
      attrs: {
        nominal: [{ idx: 0, name: 'City_index', vals: ['A', 'B'] }],
        numeric: [{ idx: 3, name: 'Speed' }],
        binary: [
          { idx: 1, name: 'Weather_onehot_Clear' },
          { idx: 2, name: 'Weather_onehot_Rainy' },
        ],
      },
    },
  }
  assert.deepEqual(slotNames(metadata, 4), [
    'City_index',
    'Weather_onehot_Clear',
    'Weather_onehot_Rainy',
    'Speed',
  ])
  assert.deepEqual(slotNames(undefined, 2), ['slot 0', 'slot 1'])
})

test('importances are summed per source column, most important first, zeros kept', () => {
  const inputs = new Map<string, ColumnName>([
    ['Weather_onehot', 'Weather'],
    ['Speed', 'Speed'],
    ['City_index', 'City'],
  ])
  const names = ['Weather_onehot_Clear', 'Weather_onehot_Rainy', 'Speed', 'City_index']
  const result = namedImportances(sparseVector(4, [0, 1, 2], [0.1, 0.2, 0.7]), names, inputs)
  assert.deepEqual(
    result.byColumn.map((c) => [c.column, Number(c.importance.toFixed(6))]),
    [
      ['Speed', 0.7],
      ['Weather', 0.3],
      ['City', 0],
    ],
  )
  assert.deepEqual(result.bySlot[1], {
    slot: 1,
    name: 'Weather_onehot_Rainy',
    column: 'Weather',
    importance: 0.2,
  })
})

test('the longest matching input wins when one input name prefixes another', () => {
  const inputs = new Map<string, ColumnName>([
    ['Speed', 'Speed'],
    ['Speed_onehot', 'City'],
  ])
  const { bySlot } = namedImportances(denseVector([0.5, 0.5]), ['Speed', 'Speed_onehot_x'], inputs)
  assert.deepEqual(
    bySlot.map((s) => s.column),
    ['Speed', 'City'],
  )
})

test('a slot no input explains is an error, not a silent misattribution', () => {
  const inputs = new Map<string, ColumnName>([['Speed', 'Speed']])
  assert.throws(() => namedImportances(denseVector([1]), ['Mystery'], inputs), /slot 0 \(Mystery\)/)
})
