// Pure builders of Spark Connect expressions and literals (protobuf objects, no I/O).
import { SparkConnectError } from './errors.ts'
import type { DataType, Expression, Literal } from './protocol.ts'

/** A literal whose Spark type is chosen explicitly, e.g. `double(1)` rather than the integer 1. */
export class TypedLiteral {
  constructor(readonly literal: Literal) {}
}

export const int = (value: number): TypedLiteral => new TypedLiteral({ integer: value })
export const long = (value: number | bigint): TypedLiteral => new TypedLiteral({ long: String(value) })
export const double = (value: number): TypedLiteral => new TypedLiteral({ double: value })

export type LiteralValue = string | number | bigint | boolean | null | TypedLiteral | LiteralValue[]

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

const TYPES = {
  null: { null: {} },
  boolean: { boolean: {} },
  integer: { integer: {} },
  long: { long: {} },
  double: { double: {} },
  string: { string: {} },
} satisfies Record<string, DataType>

function literalOfNumber(value: number): Literal {
  if (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX) return { integer: value }
  if (Number.isSafeInteger(value)) return { long: String(value) }
  return { double: value }
}

type ScalarKind = keyof typeof TYPES

function kindOf(literal: Literal): ScalarKind | 'other' {
  for (const kind of ['boolean', 'integer', 'long', 'double', 'string'] as const) {
    if (literal[kind] !== undefined) return kind
  }
  return literal.null ? 'null' : 'other'
}

const NUMERIC: ScalarKind[] = ['integer', 'long', 'double']

/** One element type for an array literal: numbers widen (int → bigint → double); other kinds must agree. */
function elementKind(elements: Literal[]): ScalarKind {
  const kinds = new Set(elements.map(kindOf))
  if (kinds.size === 0) return 'string'
  if ([...kinds].every((kind) => NUMERIC.includes(kind as ScalarKind))) {
    return kinds.has('double') ? 'double' : kinds.has('long') ? 'long' : 'integer'
  }
  const [only] = kinds
  if (kinds.size > 1 || only === 'other' || only === undefined) {
    throw new SparkConnectError(
      'INVALID_ARGUMENT',
      `An array literal needs elements of one type, got ${[...kinds].join(', ')}`,
    )
  }
  return only
}

function widen(literal: Literal, to: ScalarKind): Literal {
  if (to === 'double' && (literal.integer !== undefined || literal.long !== undefined)) {
    return { double: Number(literal.integer ?? literal.long) }
  }
  if (to === 'long' && literal.integer !== undefined) return { long: String(literal.integer) }
  return literal
}

/**
 * A JS value as a Spark literal: integers that fit 32 bits are INT, larger ones BIGINT, other numbers
 * DOUBLE; arrays carry their type at the root (`data_type`), which Spark 4.1+ requires.
 */
export function literal(value: LiteralValue): Literal {
  if (value instanceof TypedLiteral) return value.literal
  if (value === null) return { null: TYPES.null }
  if (Array.isArray(value)) {
    const elements = value.map(literal)
    const kind = elementKind(elements)
    return {
      array: { elements: elements.map((element) => widen(element, kind)) },
      data_type: { array: { element_type: TYPES[kind], contains_null: false } },
    }
  }
  switch (typeof value) {
    case 'string':
      return { string: value }
    case 'boolean':
      return { boolean: value }
    case 'bigint':
      return { long: value.toString() }
    default:
      return literalOfNumber(value)
  }
}

/** A column by name; the name is quoted so spaces and dots are taken literally. */
export function col(name: string): Expression {
  return { unresolved_attribute: { unparsed_identifier: quoteIdentifier(name) } }
}

export function lit(value: LiteralValue): Expression {
  return { literal: literal(value) }
}

/** A SQL expression parsed by the server, e.g. `expr('speed * 2 > 10')`. */
export function expr(sql: string): Expression {
  return { expression_string: { expression: sql } }
}

/** A call to a built-in Spark SQL function, e.g. `fn('count', lit(1))`. */
export function fn(name: string, ...args: Expression[]): Expression {
  return { unresolved_function: { function_name: name, arguments: args, is_distinct: false } }
}

export function alias(expression: Expression, name: string): Expression {
  return { alias: { expr: expression, name: [name] } }
}

/** `CAST(expression AS type)` with a Spark SQL type name, e.g. `cast(col('x'), 'double')`. */
export function cast(expression: Expression, type: string): Expression {
  return { cast: { expr: expression, type_str: type } }
}

export function quoteIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``
}
