// Streams futuristic_city_traffic.csv (or any file with its header) row by row without holding it in memory.
// Malformed rows are yielded with their line number and reason, so callers can set them aside and go on;
// a file whose header is not the data set's is refused as a whole.
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import type { TrafficRecord } from '../contract/columns.ts'
import { CSV_HEADER, checkCsvHeader, decodeCsvLine } from '../contract/csv.ts'
import { type FieldError, formatFieldErrors } from '../contract/validate.ts'
import { TrafficError } from '../errors.ts'

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

const READ_CHUNK_BYTES = 1 << 20

async function openDataset(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new TrafficError('IO_ERROR', missing ? `No data set at ${file}` : `Cannot read ${file}: ${error}`, {
      hint: missing
        ? 'Put the Kaggle file futuristic_city_traffic.csv there, or create a synthetic one with `traffic generate`.'
        : undefined,
      cause: error,
    })
  }
}

/**
 * Yields every data row of `file` (1-based line numbers, the header being line 1). Blank lines are skipped;
 * CRLF and LF line ends and a UTF-8 byte order mark are accepted. Throws a TrafficError when the file is missing,
 * empty or has another header.
 */
export async function* readTrafficCsv(file: string): AsyncGenerator<CsvRow> {
  const handle = await openDataset(file)
  const stream = handle.createReadStream({
    encoding: 'utf8',
    highWaterMark: READ_CHUNK_BYTES,
    autoClose: false,
  })
  let lineNumber = 0
  let rest = ''

  function* rowsOf(text: string, final: boolean): Generator<CsvRow> {
    let start = 0
    for (;;) {
      const newline = text.indexOf('\n', start)
      if (newline < 0 && !final) break
      const end = newline < 0 ? text.length : newline
      const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end)
      start = end + 1
      lineNumber++
      if (lineNumber === 1) {
        const problem = checkCsvHeader(line)
        if (problem) {
          throw new TrafficError('INVALID_INPUT', `${file} is not the traffic data set: ${problem}`, {
            hint: 'The first line must be the header, exactly as in futuristic_city_traffic.csv.',
          })
        }
      } else if (line.trim() !== '') {
        const result = decodeCsvLine(line)
        if (result.ok) yield { ok: true, lineNumber, record: result.value }
        else
          yield {
            ok: false,
            lineNumber,
            line,
            errors: result.errors,
            reason: formatFieldErrors(result.errors),
          }
      }
      if (newline < 0) return
    }
    rest = text.slice(start)
  }

  try {
    for await (const chunk of stream) yield* rowsOf(rest + (chunk as string), false)
    if (rest !== '') yield* rowsOf(rest, true)
    if (lineNumber === 0) {
      throw new TrafficError('INVALID_INPUT', `${file} is empty`, {
        hint: `Its first line must be: ${CSV_HEADER}`,
      })
    }
  } finally {
    stream.destroy()
    await handle.close()
  }
}
