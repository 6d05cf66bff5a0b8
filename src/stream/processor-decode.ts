// Processor stage: one Kafka message (JSON text) → one CSV line of the batch file, or the reason it cannot be one.
// A message as the producer writes it is turned into its line byte for byte (transcode.ts); any other goes
// through the JSON codec, which validates it and says what is wrong.
import { encodeCsvLine } from '../contract/csv.ts'
import { decodeJsonMessage } from '../contract/json.ts'
import { transcodeJsonMessage } from '../contract/transcode.ts'
import { formatFieldErrors } from '../contract/validate.ts'

/** `line`: the CSV line's bytes, without line break. */
export type Decoded = { ok: true; line: Buffer } | { ok: false; reason: string; scenario?: string }

/** Where a line is written first: it is never longer than its message (a longer message gets a larger one). */
let scratch = Buffer.allocUnsafe(4096)

/** `scenario`: the record's `traffic.scenario` header — a made-up row, never training data. */
export function decodeToCsvLine(value: Buffer | null, scenario?: string): Decoded {
  if (scenario !== undefined) {
    return { ok: false, scenario, reason: `made up by the live scenario ${scenario}: not training data` }
  }
  if (value === null || value.length === 0) return { ok: false, reason: 'empty message (no value)' }
  if (value.length > scratch.length) scratch = Buffer.allocUnsafe(value.length)
  const end = transcodeJsonMessage(value, 0, value.length, scratch, 0)
  if (end >= 0) {
    const line = Buffer.allocUnsafe(end)
    scratch.copy(line, 0, 0, end)
    return { ok: true, line }
  }
  const decoded = decodeJsonMessage(value)
  if (!decoded.ok) return { ok: false, reason: formatFieldErrors(decoded.errors) }
  return { ok: true, line: Buffer.from(encodeCsvLine(decoded.value)) }
}
