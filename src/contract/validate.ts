// Record validation shared by the producer (CSV rows), the consumer (JSON messages) and the HTTP API (JSON bodies
// holding a subset of the columns). Rules are built once per column; validating a row allocates only the result.
import { COLUMN_NAMES, COLUMNS, type Column, type ColumnName, type TrafficRecord } from './columns.ts'

/** One problem with one field; `field` is null when the record as a whole is wrong (not an object, bad CSV row). */
export interface FieldError {
  field: ColumnName | null
  /** Reads after the field name: `must be one of: … (got "Atlantis")`, `is missing (must be 0 or 1)`. */
  message: string
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] }

export interface ColumnRule {
  name: ColumnName
  /** What the column accepts, e.g. `must be an integer 0–23`. */
  allowed: string
  /** The JSON type a valid value has; used to point out wrong types. */
  type: 'string' | 'number'
  accepts(value: unknown): boolean
}

/** `plausible`: measures must also stay within their plausible range (the API's rule, see columns.ts). */
function ruleFor(column: Column, plausible: boolean): ColumnRule {
  switch (column.kind) {
    case 'category': {
      const values: ReadonlySet<unknown> = new Set(column.values)
      return {
        name: column.name,
        allowed: `must be one of: ${column.values.join(', ')}`,
        type: 'string',
        accepts: (value) => values.has(value),
      }
    }
    case 'integer': {
      const { min, max } = column
      return {
        name: column.name,
        allowed: `must be an integer ${min}–${max}`,
        type: 'number',
        accepts: (value) => Number.isInteger(value) && (value as number) >= min && (value as number) <= max,
      }
    }
    case 'flag':
      return {
        name: column.name,
        allowed: 'must be 0 or 1',
        type: 'number',
        accepts: (v) => v === 0 || v === 1,
      }
    case 'measure': {
      const max = plausible ? column.plausibleMax : Number.MAX_VALUE
      return {
        name: column.name,
        allowed: plausible
          ? `must be a finite number 0–${max} (its plausible range)`
          : 'must be a finite number ≥ 0',
        type: 'number',
        accepts: (value) => typeof value === 'number' && value >= 0 && value <= max,
      }
    }
  }
}

/** The rule of every column, in file order. */
export const COLUMN_RULES: readonly ColumnRule[] = COLUMNS.map((column) => ruleFor(column, false))
const PLAUSIBLE_RULES: readonly ColumnRule[] = COLUMNS.map((column) => ruleFor(column, true))

function typeName(value: unknown): string {
  if (value === null) return 'null'
  return Array.isArray(value) ? 'array' : typeof value
}

/** How a rejected value is shown: its text, prefixed by its type when the type itself is wrong. */
export function describeValue(value: unknown, expectedType?: string): string {
  const type = typeName(value)
  let shown = ''
  if (typeof value === 'string') shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  else if (typeof value === 'number' || typeof value === 'boolean') shown = String(value)
  if (type === 'null' || type === expectedType) return shown || type
  const article = /^[aeiou]/.test(type) ? 'an' : 'a'
  return shown ? `${article} ${type} ${shown}` : `${article} ${type}`
}

/** The error for a value the rule rejects; `shownAs` is the type the value arrived as (CSV fields are text). */
export function rejectedValue(rule: ColumnRule, value: unknown, shownAs: string = rule.type): FieldError {
  if (value === undefined) return { field: rule.name, message: `is missing (${rule.allowed})` }
  return { field: rule.name, message: `${rule.allowed} (got ${describeValue(value, shownAs)})` }
}

/** One line for logs, dead letters and API errors: `City must be one of: … (got "Atlantis"); Speed is missing (…)`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  return errors
    .map((error) => (error.field === null ? error.message : `${error.field} ${error.message}`))
    .join('; ')
}

export interface ValidatorOptions {
  /** Also hold measures to their plausible range (the API's inputs); the stream accepts any finite value ≥ 0. */
  plausible?: boolean
}

/**
 * A validator for the given columns (all of them by default). Values must already have their JSON types
 * (numbers as numbers). Keys outside `columns` are ignored; the result holds exactly `columns`, in file order.
 */
export function createValidator<K extends ColumnName>(
  columns: readonly K[],
  options: ValidatorOptions = {},
): (input: unknown) => Validation<Pick<TrafficRecord, K>> {
  const rules = (options.plausible ? PLAUSIBLE_RULES : COLUMN_RULES).filter((rule) =>
    columns.includes(rule.name as K),
  )
  const unknown = columns.filter((name) => !COLUMN_NAMES.includes(name))
  if (unknown.length > 0) throw new Error(`not columns of the data set: ${unknown.join(', ')}`)
  const expected = `a JSON object with the fields ${rules.map((rule) => rule.name).join(', ')}`

  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return {
        ok: false,
        errors: [{ field: null, message: `expected ${expected} (got ${describeValue(input)})` }],
      }
    }
    const source = input as Record<string, unknown>
    const value: Record<string, unknown> = {}
    const errors: FieldError[] = []
    for (const rule of rules) {
      const field = source[rule.name]
      if (rule.accepts(field)) value[rule.name] = field
      else errors.push(rejectedValue(rule, field))
    }
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as Pick<TrafficRecord, K> }
  }
}

/** Validates a whole record (all 11 columns). */
export const validateRecord: (input: unknown) => Validation<TrafficRecord> = createValidator(COLUMN_NAMES)
