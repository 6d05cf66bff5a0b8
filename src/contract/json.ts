// Record ⇄ JSON message, as on the Kafka topic: one object keyed by the 11 column names, numbers as JSON numbers.
import { COLUMN_NAMES, type TrafficRecord } from './columns.ts'
import { describeValue, type Validation, validateRecord } from './validate.ts'

// The replacer list fixes both the keys and their order, whatever else the object carries.
const KEYS = [...COLUMN_NAMES]

export function encodeJsonMessage(record: TrafficRecord): string {
  return JSON.stringify(record, KEYS)
}

/**
 * encodeJsonMessage for a record that holds exactly the columns, in order, as decodeCsvFields builds them: it
 * skips the replacer list, which costs JSON.stringify about as much again (the producer's hot path).
 */
export function encodeDecodedRecord(record: TrafficRecord): string {
  return JSON.stringify(record)
}

/** Parses and validates one message (a Kafka value: text or UTF-8 bytes). */
export function decodeJsonMessage(message: string | Buffer): Validation<TrafficRecord> {
  const text = typeof message === 'string' ? message : message.toString('utf8')
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      errors: [{ field: null, message: `not valid JSON: ${reason} (got ${describeValue(text, 'string')})` }],
    }
  }
  return validateRecord(parsed)
}
