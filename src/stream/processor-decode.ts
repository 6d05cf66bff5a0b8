// Processor stage: one Kafka message (JSON text) → one CSV line of the batch file, or the reason it cannot be one.
import { encodeCsvLine } from '../contract/csv.ts'
import { decodeJsonMessage } from '../contract/json.ts'
import { formatFieldErrors } from '../contract/validate.ts'

export type Decoded = { ok: true; line: string } | { ok: false; reason: string; scenario?: string }

/** `scenario`: the record's `traffic.scenario` header — a made-up row, never training data. */
export function decodeToCsvLine(value: Buffer | null, scenario?: string): Decoded {
  if (scenario !== undefined) {
    return { ok: false, scenario, reason: `made up by the live scenario ${scenario}: not training data` }
  }
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message (no value)' }
  const decoded = decodeJsonMessage(value)
  if (!decoded.ok) return { ok: false, reason: formatFieldErrors(decoded.errors) }
  return { ok: true, line: encodeCsvLine(decoded.value) }
}
