import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fromDataType, toDDL, typeName } from '../../src/spark/schema.ts'

test('toDDL quotes names and upper-cases types; a DDL string passes through', () => {
  assert.equal(
    toDDL([
      { name: 'City', type: 'string' },
      { name: 'Hour Of Day', type: 'int', nullable: false },
    ]),
    '`City` STRING, `Hour Of Day` INT NOT NULL',
  )
  assert.equal(toDDL('a INT'), 'a INT')
  assert.throws(() => toDDL([]), { code: 'INVALID_ARGUMENT' })
})

test('typeName names Spark types as in SQL, ML vectors as vector', () => {
  assert.equal(typeName({ integer: {}, kind: 'integer' }), 'int')
  assert.equal(typeName({ long: {} }), 'bigint')
  assert.equal(typeName({ decimal: { precision: 5, scale: 2 }, kind: 'decimal' }), 'decimal(5,2)')
  assert.equal(typeName({ array: { element_type: { string: {} } }, kind: 'array' }), 'array<string>')
  assert.equal(
    typeName({ map: { key_type: { string: {} }, value_type: { double: {} } }, kind: 'map' }),
    'map<string,double>',
  )
  assert.equal(
    typeName({ udt: { type: 'udt', jvm_class: 'org.apache.spark.ml.linalg.VectorUDT' }, kind: 'udt' }),
    'vector',
  )
})

test('fromDataType lists fields with nullability and parsed metadata', () => {
  const fields = fromDataType({
    kind: 'struct',
    struct: {
      fields: [
        { name: 'x', data_type: { double: {} }, nullable: true },
        {
          name: 'features',
          data_type: { udt: { type: 'udt', jvm_class: 'org.apache.spark.ml.linalg.VectorUDT' } },
          metadata: '{"ml_attr":{"num_attrs":1}}',
        },
      ],
    },
  })
  assert.deepEqual(fields, [
    { name: 'x', type: 'double', nullable: true },
    { name: 'features', type: 'vector', nullable: false, metadata: { ml_attr: { num_attrs: 1 } } },
  ])
  assert.throws(() => fromDataType({ integer: {} }), { code: 'SERVER_ERROR' })
})
