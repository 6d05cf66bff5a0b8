// ML param values and results as Spark Connect literals. Scalars and arrays are ordinary literals (the
// server casts numbers to the param's declared type); vectors and matrices are structs tagged with the
// VectorUDT / MatrixUDT type, as Spark's own ML Connect serializer writes them:
//   vector: [byte type (0 sparse, 1 dense), int size | null, int[] indices | null, double[] values]
//   matrix: [byte type, int numRows, int numCols, int[] colPtrs | null, int[] rowIndices | null,
//            double[] values, boolean isTransposed]
import { SparkConnectError } from './errors.ts'
import { type LiteralValue, literal, TypedLiteral } from './expressions.ts'
import type { DataType, Literal, Literal__Output, MlParams } from './protocol.ts'

export const VECTOR_UDT = 'org.apache.spark.ml.linalg.VectorUDT'
export const MATRIX_UDT = 'org.apache.spark.ml.linalg.MatrixUDT'
const VECTOR_TYPE: DataType = { udt: { type: 'udt', jvm_class: VECTOR_UDT } }
const MATRIX_TYPE: DataType = { udt: { type: 'udt', jvm_class: MATRIX_UDT } }

/** A Spark ML vector; sparse when `indices` is present. */
export interface MlVector {
  size: number
  indices?: number[]
  values: number[]
}

/** A Spark ML matrix (column-major unless transposed); sparse (CSC) when `colPtrs` is present. */
export interface MlMatrix {
  numRows: number
  numCols: number
  values: number[]
  isTransposed: boolean
  colPtrs?: number[]
  rowIndices?: number[]
}

export type ParamValue = LiteralValue | MlVector | MlMatrix
export type MlParamValues = Record<string, ParamValue>

export const denseVector = (values: number[]): MlVector => ({ size: values.length, values })
export const sparseVector = (size: number, indices: number[], values: number[]): MlVector => ({
  size,
  indices,
  values,
})

/**
 * A vector as VectorUDT stores it in a row, the same in Arrow results and in the Parquet files of saved models:
 * `{type: 0 sparse | 1 dense, size, indices, values}`. Undefined for anything else.
 */
export function fromStoredVector(stored: unknown): MlVector | undefined {
  const { type, size, indices, values } = (stored ?? {}) as Record<string, unknown>
  const list = (items: unknown) =>
    items !== null && typeof items === 'object' && Symbol.iterator in items
      ? Array.from(items as Iterable<unknown>, Number)
      : undefined
  const numbers = list(values)
  if (type === 1 && numbers) return denseVector(numbers)
  const at = list(indices)
  if (type === 0 && typeof size === 'number' && at && numbers) return sparseVector(size, at, numbers)
  return undefined
}

/** A vector's values with zeros filled in. */
export function toDense(vector: MlVector): number[] {
  if (!vector.indices) return vector.values
  const dense = new Array<number>(vector.size).fill(0)
  vector.indices.forEach((index, i) => {
    dense[index] = vector.values[i] as number
  })
  return dense
}

const NULL: Literal = { null: { null: {} } }
const ints = (values: number[]): Literal => ({ specialized_array: { ints: { values } } })
const doubles = (values: number[]): Literal => ({ specialized_array: { doubles: { values } } })

function isMatrix(value: object): value is MlMatrix {
  return 'numRows' in value
}

function isVector(value: object): value is MlVector {
  return 'values' in value && 'size' in value
}

function structLiteral(type: DataType, elements: Literal[]): Literal {
  return { struct: { struct_type: type, elements } }
}

export function paramLiteral(value: ParamValue): Literal {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof TypedLiteral) {
    return literal(value as LiteralValue)
  }
  if (isMatrix(value)) {
    const sparse = value.colPtrs !== undefined
    return structLiteral(MATRIX_TYPE, [
      { byte: sparse ? 0 : 1 },
      { integer: value.numRows },
      { integer: value.numCols },
      sparse ? ints(value.colPtrs ?? []) : NULL,
      sparse ? ints(value.rowIndices ?? []) : NULL,
      doubles(value.values),
      { boolean: value.isTransposed },
    ])
  }
  if (isVector(value)) {
    const sparse = value.indices !== undefined
    return structLiteral(VECTOR_TYPE, [
      { byte: sparse ? 0 : 1 },
      sparse ? { integer: value.size } : NULL,
      sparse ? ints(value.indices ?? []) : NULL,
      doubles(value.values),
    ])
  }
  throw new SparkConnectError('INVALID_ARGUMENT', `Unsupported ML param value ${JSON.stringify(value)}`)
}

export function mlParams(values: MlParamValues = {}): MlParams {
  return {
    params: Object.fromEntries(Object.entries(values).map(([name, value]) => [name, paramLiteral(value)])),
  }
}

function numbers(values: (number | string)[] | undefined): number[] {
  return (values ?? []).map(Number)
}

function decodeStruct(struct: NonNullable<Literal__Output['struct']>): MlVector | MlMatrix | unknown[] {
  const jvmClass = struct.struct_type?.udt?.jvm_class
  const e = struct.elements ?? []
  const arrayAt = (i: number, kind: 'ints' | 'doubles') => numbers(e[i]?.specialized_array?.[kind]?.values)
  const sparse = e[0]?.byte === 0
  if (jvmClass === VECTOR_UDT) {
    const values = arrayAt(3, 'doubles')
    return sparse ? sparseVector(e[1]?.integer ?? 0, arrayAt(2, 'ints'), values) : denseVector(values)
  }
  if (jvmClass === MATRIX_UDT) {
    const matrix: MlMatrix = {
      numRows: e[1]?.integer ?? 0,
      numCols: e[2]?.integer ?? 0,
      values: arrayAt(5, 'doubles'),
      isTransposed: e[6]?.boolean ?? false,
    }
    return sparse ? { ...matrix, colPtrs: arrayAt(3, 'ints'), rowIndices: arrayAt(4, 'ints') } : matrix
  }
  return e.map(fromLiteral)
}

/** A literal returned by the server (fetch results, evaluation metrics, read params) as a JS value. */
export function fromLiteral(value: Literal__Output): unknown {
  if (value.struct) return decodeStruct(value.struct)
  if (value.array) return (value.array.elements ?? []).map(fromLiteral)
  if (value.specialized_array) {
    const { ints: i, doubles: d } = value.specialized_array
    return numbers(i?.values ?? d?.values)
  }
  if (value.long !== undefined) {
    const asNumber = Number(value.long)
    return Number.isSafeInteger(asNumber) ? asNumber : BigInt(value.long)
  }
  if (value.decimal) return Number(value.decimal.value)
  if (value.null) return null
  for (const key of ['boolean', 'byte', 'short', 'integer', 'float', 'double', 'string'] as const) {
    if (value[key] !== undefined) return value[key]
  }
  throw new SparkConnectError(
    'SERVER_ERROR',
    `Unsupported literal from the server: ${JSON.stringify(value).slice(0, 200)}`,
  )
}
