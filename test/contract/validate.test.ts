import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { columnsExcept, type TrafficRecord } from '../../src/contract/columns.ts'
import {
  createValidator,
  type FieldError,
  formatFieldErrors,
  validateRecord,
} from '../../src/contract/validate.ts'
import { REAL_ROW } from '../fixtures/records.ts'

const GOOD: TrafficRecord = REAL_ROW

function errorsOf(input: unknown): FieldError[] {
  const result = validateRecord(input)
  assert.equal(result.ok, false, 'expected the record to be rejected')
  return result.ok ? [] : result.errors
}

/** The record with one field replaced (or removed when `value` is undefined) must give exactly one error. */
function onlyError(field: keyof TrafficRecord, value: unknown): FieldError {
  const input: Record<string, unknown> = { ...GOOD, [field]: value }
  if (value === undefined) delete input[field]
  const errors = errorsOf(input)
  assert.equal(errors.length, 1, formatFieldErrors(errors))
  const [error] = errors as [FieldError]
  assert.equal(error.field, field)
  return error
}

describe('validateRecord', () => {
  it('accepts a good record and returns it typed, keys in column order', () => {
    const result = validateRecord({ ...GOOD })
    assert.equal(result.ok, true)
    assert.ok(result.ok)
    assert.deepEqual(result.value, GOOD)
    assert.deepEqual(Object.keys(result.value), Object.keys(GOOD))
  })

  it('ignores extra keys and drops them from the result', () => {
    const result = validateRecord({ ...GOOD, extra: 'x', 'traffic density': 'nope' })
    assert.ok(result.ok)
    assert.equal('extra' in result.value, false)
    assert.equal(Object.keys(result.value).length, 11)
  })

  it('names a missing field and says what is allowed', () => {
    assert.equal(
      onlyError('City', undefined).message,
      'is missing (must be one of: AquaCity, Ecoopolis, MetropolisX, Neuroburg, SolarisVille, TechHaven)',
    )
    assert.equal(onlyError('Is Peak Hour', undefined).message, 'is missing (must be 0 or 1)')
  })

  it('lists the allowed values for an unknown category', () => {
    assert.equal(
      onlyError('Weather', 'Sunny').message,
      'must be one of: Clear, Rainy, Snowy, Solar Flare, Electromagnetic Storm (got "Sunny")',
    )
    assert.equal(
      onlyError('Economic Condition', 'booming').message,
      'must be one of: Booming, Stable, Recession (got "booming")',
    )
  })

  it('points out wrong types', () => {
    assert.equal(onlyError('Hour Of Day', '7').message, 'must be an integer 0–23 (got a string "7")')
    assert.equal(onlyError('Speed', '29.4').message, 'must be a finite number ≥ 0 (got a string "29.4")')
    assert.equal(
      onlyError('Vehicle Type', 3).message,
      'must be one of: Autonomous Vehicle, Drone, Flying Car, Car (got a number 3)',
    )
    assert.equal(onlyError('Is Peak Hour', true).message, 'must be 0 or 1 (got a boolean true)')
    assert.equal(onlyError('Traffic Density', null).message, 'must be a finite number ≥ 0 (got null)')
    assert.equal(onlyError('Energy Consumption', {}).message, 'must be a finite number ≥ 0 (got an object)')
  })

  it('rejects an hour out of range or not an integer', () => {
    assert.equal(onlyError('Hour Of Day', 24).message, 'must be an integer 0–23 (got 24)')
    assert.equal(onlyError('Hour Of Day', -1).message, 'must be an integer 0–23 (got -1)')
    assert.equal(onlyError('Hour Of Day', 7.5).message, 'must be an integer 0–23 (got 7.5)')
  })

  it('rejects negative, NaN and infinite measures', () => {
    assert.equal(onlyError('Speed', -0.5).message, 'must be a finite number ≥ 0 (got -0.5)')
    assert.equal(onlyError('Energy Consumption', Number.NaN).message, 'must be a finite number ≥ 0 (got NaN)')
    assert.equal(
      onlyError('Traffic Density', Number.POSITIVE_INFINITY).message,
      'must be a finite number ≥ 0 (got Infinity)',
    )
  })

  it('rejects flags other than 0 and 1', () => {
    assert.equal(onlyError('Is Peak Hour', 2).message, 'must be 0 or 1 (got 2)')
    assert.equal(onlyError('Random Event Occurred', 0.5).message, 'must be 0 or 1 (got 0.5)')
  })

  it('reports every bad field at once, in column order', () => {
    const errors = errorsOf({ ...GOOD, City: 'Atlantis', Speed: -1, 'Is Peak Hour': 3 })
    assert.deepEqual(
      errors.map((error) => error.field),
      ['City', 'Speed', 'Is Peak Hour'],
    )
    assert.match(
      formatFieldErrors(errors),
      /^City must be one of: .* \(got "Atlantis"\); Speed must be .*; Is Peak Hour must be 0 or 1 \(got 3\)$/,
    )
  })

  it('rejects a value that is not an object, naming the expected fields', () => {
    for (const input of [null, [GOOD], 'City', 42]) {
      const [error] = errorsOf(input) as [FieldError]
      assert.equal(error.field, null)
      assert.match(
        error.message,
        /^expected a JSON object with the fields City, Vehicle Type, .*Traffic Density \(got /,
      )
    }
  })
})

describe('createValidator on a subset of columns', () => {
  const validateDensityRequest = createValidator(columnsExcept('Traffic Density'))

  it('accepts a record without the excluded column and returns only the subset', () => {
    const { 'Traffic Density': _density, ...body } = GOOD
    const result = validateDensityRequest(body)
    assert.ok(result.ok)
    assert.deepEqual(result.value, body)
    assert.equal(Object.keys(result.value).length, 10)
  })

  it('ignores the excluded column even when it is invalid', () => {
    const result = validateDensityRequest({ ...GOOD, 'Traffic Density': 'whatever' })
    assert.ok(result.ok)
    assert.equal('Traffic Density' in result.value, false)
  })

  it('still checks every column of the subset', () => {
    const result = validateDensityRequest({ City: 'AquaCity' })
    assert.equal(result.ok, false)
    assert.ok(!result.ok)
    assert.equal(result.errors.length, 9)
    assert.ok(result.errors.every((error) => error.message.startsWith('is missing (')))
    assert.equal(
      result.errors.some((error) => error.field === 'Traffic Density'),
      false,
    )
  })

  it('refuses to build a validator for names that are not columns', () => {
    assert.throws(
      () => createValidator(['Speed', 'Colour' as 'Speed']),
      /not columns of the data set: Colour/,
    )
  })
})
