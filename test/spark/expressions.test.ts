import assert from 'node:assert/strict'
import { test } from 'node:test'
import { alias, cast, col, double, expr, fn, int, lit, literal, long } from '../../src/spark/expressions.ts'

test('numbers become INT, BIGINT or DOUBLE literals by value', () => {
  assert.deepEqual(literal(42), { integer: 42 })
  assert.deepEqual(literal(-(2 ** 31)), { integer: -(2 ** 31) })
  assert.deepEqual(literal(2 ** 31), { long: '2147483648' })
  assert.deepEqual(literal(0.5), { double: 0.5 })
  assert.deepEqual(literal(2 ** 60), { double: 2 ** 60 })
  assert.deepEqual(literal(12345678901234567890n), { long: '12345678901234567890' })
})

test('explicit types override the guess', () => {
  assert.deepEqual(literal(double(1)), { double: 1 })
  assert.deepEqual(literal(long(1)), { long: '1' })
  assert.deepEqual(literal(int(3)), { integer: 3 })
})

test('strings, booleans and null', () => {
  assert.deepEqual(literal('x'), { string: 'x' })
  assert.deepEqual(literal(false), { boolean: false })
  assert.deepEqual(literal(null), { null: { null: {} } })
})

test('arrays carry their element type at the root and widen numbers', () => {
  assert.deepEqual(literal(['a', 'b']), {
    array: { elements: [{ string: 'a' }, { string: 'b' }] },
    data_type: { array: { element_type: { string: {} }, contains_null: false } },
  })
  assert.deepEqual(literal([1, 2.5]), {
    array: { elements: [{ double: 1 }, { double: 2.5 }] },
    data_type: { array: { element_type: { double: {} }, contains_null: false } },
  })
  assert.deepEqual(literal([1, 2 ** 40]).array?.elements, [{ long: '1' }, { long: String(2 ** 40) }])
  assert.deepEqual(literal([]).data_type, { array: { element_type: { string: {} }, contains_null: false } })
  assert.throws(() => literal(['a', 1]), { code: 'INVALID_ARGUMENT' })
})

test('columns are quoted so spaces, dots and backticks are literal', () => {
  assert.deepEqual(col('Vehicle Type'), { unresolved_attribute: { unparsed_identifier: '`Vehicle Type`' } })
  assert.deepEqual(col('a.b`c'), { unresolved_attribute: { unparsed_identifier: '`a.b``c`' } })
})

test('functions, aliases, casts and SQL expressions', () => {
  assert.deepEqual(alias(fn('avg', col('x')), 'mean'), {
    alias: {
      expr: { unresolved_function: { function_name: 'avg', arguments: [col('x')], is_distinct: false } },
      name: ['mean'],
    },
  })
  assert.deepEqual(cast(col('x'), 'double'), { cast: { expr: col('x'), type_str: 'double' } })
  assert.deepEqual(expr('x > 1'), { expression_string: { expression: 'x > 1' } })
  assert.deepEqual(lit('y'), { literal: { string: 'y' } })
})
