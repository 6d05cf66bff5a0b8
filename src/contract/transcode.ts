// CSV line bytes ⇄ JSON message bytes, without the strings and objects of the codecs (csv.ts, json.ts): the hot
// paths of the producer (CSV → JSON) and the consumer (JSON → CSV). Each takes only input in the canonical form —
// a data set line (vocabulary values, plain integers, decimals of at most 15 digits), a message as the producer
// writes it (the keys in order, no spaces, decimals of at most 4 places) — and writes exactly what the codecs
// would; any other input, valid or not, is left to the codecs, which also say what is wrong with it.
import { COLUMNS, type ColumnKind } from './columns.ts'

const COMMA = 0x2c
const QUOTE = 0x22
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39
/** A decimal of at most 9 + 6 digits has at most 15 significant digits: its own text is its shortest round trip. */
const MAX_INTEGER_DIGITS = 9
const MAX_FRACTION_DIGITS = 6
/** A data set CSV prints measures with 4 decimals. */
const CSV_DECIMALS = 4

/** One shape for every column (the hot loop reads them all): unused members are empty. */
interface Field {
  kind: ColumnKind
  prefix: Buffer
  /** A category's values. */
  values: Buffer[]
  /** An integer's (or flag's) range. */
  min: number
  max: number
}

/** What JSON.stringify writes before each value: `{"City":"`, `","Vehicle Type":"`, …, `,"Traffic Density":`. */
function prefixOf(index: number): Buffer {
  const column = COLUMNS[index] as (typeof COLUMNS)[number]
  const previous = COLUMNS[index - 1]
  const open = previous === undefined ? '{' : previous.kind === 'category' ? '",' : ','
  return Buffer.from(`${open}${JSON.stringify(column.name)}:${column.kind === 'category' ? '"' : ''}`)
}

function fieldOf(column: (typeof COLUMNS)[number], index: number): Field {
  const field: Field = { kind: column.kind, prefix: prefixOf(index), values: [], min: 0, max: 1 }
  if (column.kind === 'category') {
    // Values JSON has to escape would not be copied as they are; none of the vocabulary needs it.
    field.values = column.values.filter((v) => JSON.stringify(v) === `"${v}"`).map((v) => Buffer.from(v))
  } else if (column.kind === 'integer') {
    field.min = column.min
    field.max = column.max
  }
  return field
}

const FIELDS: Field[] = COLUMNS.map(fieldOf)
const LAST = COLUMNS[COLUMNS.length - 1] as (typeof COLUMNS)[number]
const SUFFIX = Buffer.from(LAST.kind === 'category' ? '"}' : '}')
/** The most a line's JSON adds to its CSV bytes (keys, quotes, braces); values never grow. */
export const JSON_OVERHEAD_BYTES = FIELDS.reduce((sum, field) => sum + field.prefix.length, SUFFIX.length)

function isDigit(byte: number): boolean {
  return byte >= ZERO && byte <= NINE
}

function copy(source: Uint8Array, start: number, end: number, target: Uint8Array, at: number): number {
  let position = at
  for (let i = start; i < end; i++) target[position++] = source[i] as number
  return position
}

function isValueOf(values: Buffer[], line: Uint8Array, start: number, end: number): boolean {
  const length = end - start
  for (const value of values) {
    if (value.length !== length) continue
    let i = 0
    while (i < length && value[i] === line[start + i]) i++
    if (i === length) return true
  }
  return false
}

/** Digits with no leading zero (but "0") and at most `max` of them: the end of the run, or -1. */
function plainDigits(line: Uint8Array, start: number, end: number, max: number): number {
  let at = start
  while (at < end && at - start <= max && isDigit(line[at] as number)) at++
  const digits = at - start
  if (digits === 0 || digits > max || (digits > 1 && line[start] === ZERO)) return -1
  return at
}

/** A whole number in [min, max] written plainly: copied; -1 otherwise. */
function writeInteger(
  line: Uint8Array,
  start: number,
  end: number,
  field: { min: number; max: number },
  out: Uint8Array,
  at: number,
): number {
  if (plainDigits(line, start, end, MAX_INTEGER_DIGITS) !== end) return -1
  let value = 0
  for (let i = start; i < end; i++) value = value * 10 + ((line[i] as number) - ZERO)
  if (value < field.min || value > field.max) return -1
  return copy(line, start, end, out, at)
}

/** A decimal ≥ 0 (`118.8000`): written as JavaScript prints its number (`118.8`, `0` for `0.0000`); -1 otherwise. */
function writeMeasure(line: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
  const integerEnd = plainDigits(line, start, end, MAX_INTEGER_DIGITS)
  if (integerEnd < 0) return -1
  let position = copy(line, start, integerEnd, out, at)
  if (integerEnd === end) return position
  const fraction = integerEnd + 1
  const digits = end - fraction
  if (line[integerEnd] !== DOT || digits < 1 || digits > MAX_FRACTION_DIGITS) return -1
  let significantEnd = fraction
  for (let i = fraction; i < end; i++) {
    const byte = line[i] as number
    if (!isDigit(byte)) return -1
    if (byte !== ZERO) significantEnd = i + 1
  }
  if (significantEnd > fraction) {
    out[position++] = DOT
    position = copy(line, fraction, significantEnd, out, position)
  }
  return position
}

/**
 * Writes the JSON message of the line `line[start, end)` at `out[at]` and returns where it ends, or -1 when the
 * line is not in canonical form (nothing useful written). `out` needs room for the line plus JSON_OVERHEAD_BYTES.
 */
export function transcodeCsvLine(
  line: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): number {
  let position = at
  let fieldStart = start
  for (let index = 0; index < FIELDS.length; index++) {
    const field = FIELDS[index] as Field
    let fieldEnd = fieldStart
    while (fieldEnd < end && line[fieldEnd] !== COMMA) fieldEnd++
    if ((fieldEnd === end) !== (index === FIELDS.length - 1)) return -1
    out.set(field.prefix, position)
    position += field.prefix.length
    if (field.kind === 'category') {
      if (!isValueOf(field.values, line, fieldStart, fieldEnd)) return -1
      position = copy(line, fieldStart, fieldEnd, out, position)
    } else {
      position =
        field.kind === 'measure'
          ? writeMeasure(line, fieldStart, fieldEnd, out, position)
          : writeInteger(line, fieldStart, fieldEnd, field, out, position)
      if (position < 0) return -1
    }
    fieldStart = fieldEnd + 1
  }
  out.set(SUFFIX, position)
  return position + SUFFIX.length
}

/** Whether `bytes` sit at `message[at]`. */
function matches(message: Uint8Array, at: number, bytes: Buffer): boolean {
  if (at + bytes.length > message.length) return false
  for (let i = 0; i < bytes.length; i++) if (message[at + i] !== bytes[i]) return false
  return true
}

/** Where a number's text that starts at `start` ends: at the first byte that is neither a digit nor a dot. */
function numberEnd(message: Uint8Array, start: number, end: number): number {
  let at = start
  while (at < end && (isDigit(message[at] as number) || message[at] === DOT)) at++
  return at
}

/** A decimal ≥ 0 of at most 4 places (`118.8`, `0`): written with 4 decimals as the data set has it; -1 otherwise. */
function writeCsvMeasure(
  message: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): number {
  const integerEnd = plainDigits(message, start, end, MAX_INTEGER_DIGITS)
  if (integerEnd < 0) return -1
  let position = copy(message, start, integerEnd, out, at)
  out[position++] = DOT
  let places = 0
  if (integerEnd < end) {
    places = end - integerEnd - 1
    if (message[integerEnd] !== DOT || places < 1 || places > CSV_DECIMALS) return -1
    for (let i = integerEnd + 1; i < end; i++) {
      if (!isDigit(message[i] as number)) return -1
      out[position++] = message[i] as number
    }
  }
  for (; places < CSV_DECIMALS; places++) out[position++] = ZERO
  return position
}

/**
 * Writes the CSV line (no line break) of the JSON message `message[start, end)` at `out[at]` and returns where it
 * ends, or -1 when the message is not in canonical form. `out` needs room for `end - start` bytes.
 */
export function transcodeJsonMessage(
  message: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  at: number,
): number {
  let position = at
  let valueStart = start
  for (let index = 0; index < FIELDS.length; index++) {
    const field = FIELDS[index] as Field
    if (!matches(message, valueStart, field.prefix)) return -1
    valueStart += field.prefix.length
    if (index > 0) out[position++] = COMMA
    let valueEnd: number
    if (field.kind === 'category') {
      valueEnd = valueStart
      while (valueEnd < end && message[valueEnd] !== QUOTE) valueEnd++
      if (valueEnd === end || !isValueOf(field.values, message, valueStart, valueEnd)) return -1
      position = copy(message, valueStart, valueEnd, out, position)
    } else {
      valueEnd = numberEnd(message, valueStart, end)
      position =
        field.kind === 'measure'
          ? writeCsvMeasure(message, valueStart, valueEnd, out, position)
          : writeInteger(message, valueStart, valueEnd, field, out, position)
      if (position < 0) return -1
    }
    valueStart = valueEnd
  }
  return valueStart + SUFFIX.length === end && matches(message, valueStart, SUFFIX) ? position : -1
}
