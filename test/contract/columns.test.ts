import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { COLUMN_NAMES, COLUMNS, columnsExcept } from '../../src/contract/columns.ts'

describe('columns', () => {
  it('are the 11 columns of the data set, in file order', () => {
    assert.deepEqual(COLUMN_NAMES, [
      'City',
      'Vehicle Type',
      'Weather',
      'Economic Condition',
      'Day Of Week',
      'Hour Of Day',
      'Speed',
      'Is Peak Hour',
      'Random Event Occurred',
      'Energy Consumption',
      'Traffic Density',
    ])
  })

  it('have 5 categories, 1 integer, 2 flags and 3 measures', () => {
    const count = (kind: string) => COLUMNS.filter((column) => column.kind === kind).length
    assert.deepEqual([count('category'), count('integer'), count('flag'), count('measure')], [5, 1, 2, 3])
  })

  it('columnsExcept keeps file order and drops only the given columns', () => {
    const features = columnsExcept('Traffic Density')
    assert.equal(features.length, 10)
    assert.deepEqual(features, COLUMN_NAMES.slice(0, 10))
    assert.deepEqual(
      columnsExcept('Is Peak Hour', 'Speed'),
      COLUMN_NAMES.filter((n) => n !== 'Is Peak Hour' && n !== 'Speed'),
    )
  })
})
