// Input stage: the rows of a traffic CSV file, streamed (never the whole file in memory), each either a valid
// record or a rejected line with its number and reason. Lifecycle: connect → read → close.
import { type CsvRow, readTrafficCsv } from '../dataset/csv-reader.ts'

export class CsvFileInput {
  readonly #file: string
  #rows: AsyncGenerator<CsvRow> | undefined

  constructor(file: string) {
    this.#file = file
  }

  async connect(): Promise<void> {
    this.#rows = readTrafficCsv(this.#file)
  }

  /** The next row, or undefined at the end of the file. */
  async read(): Promise<CsvRow | undefined> {
    const next = await this.#rows?.next()
    return next?.done === false ? next.value : undefined
  }

  /** Stops reading early (a --limit, Ctrl+C) and releases the file. */
  async close(): Promise<void> {
    await this.#rows?.return(undefined)
  }
}
