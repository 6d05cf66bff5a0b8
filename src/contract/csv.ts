// CSV line ⇄ record, in the format of futuristic_city_traffic.csv: header row, comma-separated, measures with
// 4 decimals, integers for the rest. Fields are quoted only when they contain a comma, a quote or a line break
// (no vocabulary value does); a quoted field may not span lines.
import { COLUMN_NAMES, COLUMNS, type TrafficRecord } from './columns.ts'
import { COLUMN_RULES, type FieldError, rejectedValue, type Validation } from './validate.ts'

export const CSV_HEADER = COLUMN_NAMES.join(',')

const COLUMN_COUNT = COLUMNS.length
const IS_NUMERIC = COLUMN_RULES.map((rule) => rule.type === 'number')
const IS_MEASURE = COLUMNS.map((column) => column.kind === 'measure')
// Number() alone would also accept '', ' 7', '0x1F' and 'Infinity'.
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const NEEDS_QUOTES = /[",\r\n]/

/** Splits one CSV line into fields; undefined when its quotes are unbalanced or misplaced. */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',')
  const fields: string[] = []
  let i = 0
  for (;;) {
    if (line[i] === '"') {
      let text = ''
      let from = i + 1
      for (;;) {
        const quote = line.indexOf('"', from)
        if (quote < 0) return undefined
        text += line.slice(from, quote)
        if (line[quote + 1] !== '"') {
          i = quote + 1
          break
        }
        text += '"'
        from = quote + 2
      }
      fields.push(text)
      if (i === line.length) return fields
      if (line[i] !== ',') return undefined
      i += 1
    } else {
      const comma = line.indexOf(',', i)
      const end = comma < 0 ? line.length : comma
      const text = line.slice(i, end)
      if (text.includes('"')) return undefined
      fields.push(text)
      if (comma < 0) return fields
      i = comma + 1
    }
  }
}

/** Turns the text fields of one row into a validated record. */
export function decodeCsvFields(fields: readonly string[]): Validation<TrafficRecord> {
  if (fields.length !== COLUMN_COUNT) {
    return {
      ok: false,
      errors: [{ field: null, message: `expected ${COLUMN_COUNT} columns, got ${fields.length}` }],
    }
  }
  const value: Record<string, unknown> = {}
  const errors: FieldError[] = []
  for (let i = 0; i < COLUMN_COUNT; i++) {
    const rule = COLUMN_RULES[i] as (typeof COLUMN_RULES)[number]
    const text = fields[i] as string
    const field = IS_NUMERIC[i] && DECIMAL_TEXT.test(text) ? Number(text) : text
    if (rule.accepts(field)) value[rule.name] = field
    else errors.push(rejectedValue(rule, text, 'string'))
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: value as unknown as TrafficRecord }
}

/** Parses and validates one data line (without its line break). */
export function decodeCsvLine(line: string): Validation<TrafficRecord> {
  const fields = splitCsvLine(line)
  if (fields === undefined)
    return { ok: false, errors: [{ field: null, message: 'the row has unbalanced or misplaced quotes' }] }
  return decodeCsvFields(fields)
}

function csvText(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One data line (without line break): measures with 4 decimals, integers as integers. */
export function encodeCsvLine(record: TrafficRecord): string {
  let line = ''
  for (let i = 0; i < COLUMN_COUNT; i++) {
    const value = record[COLUMN_NAMES[i] as keyof TrafficRecord]
    const text = typeof value === 'string' ? csvText(value) : IS_MEASURE[i] ? value.toFixed(4) : String(value)
    line += i === 0 ? text : `,${text}`
  }
  return line
}

/** Why `line` is not the expected header, or undefined when it is (a UTF-8 byte order mark is tolerated). */
export function checkCsvHeader(line: string): string | undefined {
  const header = line.charCodeAt(0) === 0xfeff ? line.slice(1) : line
  if (header === CSV_HEADER) return undefined
  const names = splitCsvLine(header) ?? [header]
  const expected = `expected the header "${CSV_HEADER}"`
  const column = COLUMN_NAMES.findIndex((name, i) => names[i] !== name)
  if (column < 0) return `${expected}, got ${names.length} columns instead of ${COLUMN_COUNT}`
  const got = names[column] === undefined ? 'nothing' : `"${names[column]}"`
  return `${expected}; column ${column + 1} should be "${COLUMN_NAMES[column]}", got ${got}`
}
