// Results arrive as Arrow IPC streams (one per ArrowBatch). This turns them into one Arrow Table and,
// for convenience, into plain row objects with JS types.
import { DataType as ArrowType, type Field, Table, tableFromIPC } from 'apache-arrow'
import { fromStoredVector, toDense, VECTOR_UDT } from './ml-values.ts'
import type { DataType__Output } from './protocol.ts'

export type Row = Record<string, unknown>

export function tableFromBatches(batches: Buffer[]): Table {
  const [first, ...rest] = batches.map((batch) => tableFromIPC(batch))
  if (!first) return new Table()
  return rest.length === 0 ? first : first.concat(...rest)
}

function fieldType(spark: DataType__Output | undefined, index: number): DataType__Output | undefined {
  return spark?.struct?.fields?.[index]?.data_type
}

/**
 * One Arrow value as a plain JS value: decimals and safe 64-bit integers become numbers (bigint stays
 * bigint beyond 2^53), dates and timestamps Dates, structs objects, lists arrays, maps objects, ML vectors
 * dense number arrays. `spark` is the Spark type of the value when known (it identifies vectors).
 */
export function toPlain(value: unknown, type: ArrowType, spark?: DataType__Output): unknown {
  if (value === null || value === undefined) return null
  if (spark?.udt?.jvm_class === VECTOR_UDT) {
    const vector = fromStoredVector(value)
    if (vector) return toDense(vector)
  }
  if (ArrowType.isDecimal(type)) return Number(String(value)) / 10 ** type.scale
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value
  if (ArrowType.isDate(type) || ArrowType.isTimestamp(type)) return new Date(value as number)
  if (ArrowType.isStruct(type)) return structToPlain(value as Row, type.children, spark)
  if (ArrowType.isList(type)) {
    const child = type.children[0] as Field
    return Array.from(value as Iterable<unknown>, (item) =>
      toPlain(item, child.type, spark?.array?.element_type),
    )
  }
  if (ArrowType.isMap(type)) {
    const [, valueField] = (type.children[0] as Field).type.children as Field[]
    return Object.fromEntries(
      Array.from(value as Iterable<[string, unknown]>, ([key, item]) => [
        key,
        toPlain(item, (valueField as Field).type, spark?.map?.value_type),
      ]),
    )
  }
  return value
}

function structToPlain(row: Row, fields: Field[], spark?: DataType__Output): Row {
  const plain: Row = {}
  fields.forEach((field, index) => {
    plain[field.name] = toPlain(row[field.name], field.type, fieldType(spark, index))
  })
  return plain
}

/** Every row of the table as a plain object keyed by column name. */
export function tableToRows(table: Table, schema?: DataType__Output): Row[] {
  const fields = table.schema.fields
  const rows: Row[] = []
  for (const row of table) rows.push(structToPlain(row as Row, fields, schema))
  return rows
}
