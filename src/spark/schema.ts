// Schemas both ways: our field list → a DDL string for reads with an explicit schema, and Spark's
// DataType__Output (from AnalyzePlan or a result) → a plain field list with Spark SQL type names.
import { SparkConnectError } from './errors.ts'
import { quoteIdentifier } from './expressions.ts'
import type { DataType__Output } from './protocol.ts'

export interface SchemaField {
  name: string
  /** A Spark SQL type name as in DDL: `string`, `int`, `bigint`, `double`, `boolean`, `decimal(10,2)`, `vector`… */
  type: string
  nullable?: boolean
  /** Parsed field metadata, e.g. `ml_attr` on an assembled feature vector. */
  metadata?: Record<string, unknown>
}

/** An explicit schema: a DDL string (`"a INT, b STRING"`) or a field list. */
export type SchemaInput = string | SchemaField[]

export function toDDL(schema: SchemaInput): string {
  if (typeof schema === 'string') return schema
  if (schema.length === 0)
    throw new SparkConnectError('INVALID_ARGUMENT', 'A schema needs at least one field')
  return schema
    .map(
      (field) =>
        `${quoteIdentifier(field.name)} ${field.type.toUpperCase()}${field.nullable === false ? ' NOT NULL' : ''}`,
    )
    .join(', ')
}

const SIMPLE_NAMES: Record<string, string> = {
  null: 'void',
  binary: 'binary',
  boolean: 'boolean',
  byte: 'tinyint',
  short: 'smallint',
  integer: 'int',
  long: 'bigint',
  float: 'float',
  double: 'double',
  string: 'string',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ntz: 'timestamp_ntz',
  variant: 'variant',
}

const UDT_NAMES: Record<string, string> = {
  'org.apache.spark.ml.linalg.VectorUDT': 'vector',
  'org.apache.spark.ml.linalg.MatrixUDT': 'matrix',
}

/** The Spark SQL name of a DataType, e.g. `decimal(2,1)`, `array<string>`, `vector` for ML vectors. */
export function typeName(type: DataType__Output = {}): string {
  const kind = type.kind ?? Object.keys(type).find((key) => key !== 'kind') ?? 'unknown'
  const simple = SIMPLE_NAMES[kind]
  if (simple) return simple
  if (type.decimal) return `decimal(${type.decimal.precision ?? 10},${type.decimal.scale ?? 0})`
  if (type.array) return `array<${typeName(type.array.element_type)}>`
  if (type.map) return `map<${typeName(type.map.key_type)},${typeName(type.map.value_type)}>`
  if (type.struct) {
    const fields = type.struct.fields ?? []
    return `struct<${fields.map((f) => `${quoteIdentifier(f.name ?? '')}:${typeName(f.data_type)}`).join(',')}>`
  }
  if (type.udt) return UDT_NAMES[type.udt.jvm_class ?? ''] ?? type.udt.jvm_class ?? type.udt.type ?? 'udt'
  return kind
}

/** The fields of a struct DataType (the shape of every relation's schema). */
export function fromDataType(type: DataType__Output): SchemaField[] {
  if (!type.struct)
    throw new SparkConnectError('SERVER_ERROR', `Expected a struct schema, got ${typeName(type)}`)
  return (type.struct.fields ?? []).map((field) => ({
    name: field.name ?? '',
    type: typeName(field.data_type),
    nullable: field.nullable ?? false,
    ...(field.metadata ? { metadata: JSON.parse(field.metadata) as Record<string, unknown> } : {}),
  }))
}
