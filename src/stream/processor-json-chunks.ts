// Processor stage of the producer: CSV rows → chunks of JSON messages, ready for one produce request each. The
// messages of a chunk are UTF-8 in one buffer with their end positions, so a chunk crosses from the worker thread
// to the main thread without copying, and the producer takes each message as a slice of it.

import { encodeDecodedRecord } from '../contract/json.ts'
import type { CsvRow } from '../dataset/csv-reader.ts'
import type { Reject } from './output-rejects.ts'

export interface JsonChunk {
  /** The messages, back to back, in an ArrayBuffer of their own (transferable to another thread). */
  data: Buffer
  /** Where each message ends in `data`. */
  ends: Uint32Array
  /** Rows of this stretch of the file that are not valid. */
  rejects: Reject[]
}

export interface JsonChunkOptions {
  /** Messages per chunk. */
  chunkRows: number
  /** Stop after this many data rows (sent or rejected). */
  limit?: number
}

function chunkOf(messages: string[], rejects: Reject[]): JsonChunk {
  const text = messages.join('')
  // Allocated apart from Node's shared pool, so the chunk can move to another thread without a copy.
  const data = Buffer.allocUnsafeSlow(Buffer.byteLength(text))
  data.write(text)
  // All-ASCII text (the rows are) has as many bytes as UTF-16 units: no need to measure each message.
  const ascii = data.length === text.length
  const ends = new Uint32Array(messages.length)
  let end = 0
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i] as string
    end += ascii ? message.length : Buffer.byteLength(message)
    ends[i] = end
  }
  return { data, ends, rejects }
}

export async function* jsonChunks(
  rows: AsyncIterable<CsvRow>,
  options: JsonChunkOptions,
): AsyncGenerator<JsonChunk> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  let messages: string[] = []
  let rejects: Reject[] = []
  let read = 0
  for await (const row of rows) {
    if (read >= limit) break
    read += 1
    if (row.ok) messages.push(encodeDecodedRecord(row.record))
    else rejects.push({ lineNumber: row.lineNumber, reason: row.reason, line: row.line })
    if (messages.length >= options.chunkRows) {
      yield chunkOf(messages, rejects)
      messages = []
      rejects = []
    }
  }
  if (messages.length > 0 || rejects.length > 0) yield chunkOf(messages, rejects)
}

/** The messages of a chunk as slices of its buffer (no copy). */
export function chunkMessages(chunk: JsonChunk): Buffer[] {
  const messages: Buffer[] = new Array(chunk.ends.length)
  let start = 0
  for (let i = 0; i < chunk.ends.length; i++) {
    const end = chunk.ends[i] as number
    messages[i] = chunk.data.subarray(start, end)
    start = end
  }
  return messages
}
