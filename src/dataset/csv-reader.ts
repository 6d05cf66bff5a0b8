// Streams futuristic_city_traffic.csv (or any file with its header) row by row without holding it in memory.
// Malformed rows are yielded with their line number and reason, so callers can set them aside and go on;
// a file whose header is not the data set's is refused as a whole (csv-lines.ts).
import type { TrafficRecord } from '../contract/columns.ts'
import { decodeCsvLine } from '../contract/csv.ts'
import { type FieldError, formatFieldErrors } from '../contract/validate.ts'
import { eachDataLine, readLineBlocks } from './csv-lines.ts'

export type CsvRow =
  | { ok: true; lineNumber: number; record: TrafficRecord }
  | {
      ok: false
      lineNumber: number
      /** The raw text of the line, without its line break. */
      line: string
      errors: FieldError[]
      /** `errors` as one sentence. */
      reason: string
    }

/** One data line (without its line break) as a row. */
export function csvRowOf(line: string, lineNumber: number): CsvRow {
  const result = decodeCsvLine(line)
  if (result.ok) return { ok: true, lineNumber, record: result.value }
  return { ok: false, lineNumber, line, errors: result.errors, reason: formatFieldErrors(result.errors) }
}

/**
 * Yields every data row of `file` (1-based line numbers, the header being line 1). Blank lines are skipped;
 * CRLF and LF line ends and a UTF-8 byte order mark are accepted. Throws a TrafficError when the file is missing,
 * empty or has another header.
 */
export async function* readTrafficCsv(file: string): AsyncGenerator<CsvRow> {
  for await (const block of readLineBlocks(file)) {
    const rows: CsvRow[] = []
    eachDataLine(block, (start, end, lineNumber) => {
      rows.push(csvRowOf(block.bytes.toString('utf8', start, end), lineNumber))
    })
    yield* rows
  }
}
