// Processor stage of the producer: CSV lines → chunks of JSON messages, ready for one produce request each. The
// messages of a chunk are UTF-8 in one buffer with their end positions, so a chunk crosses from the worker thread
// to the main thread without copying, and the producer takes each message as a slice of it. Lines are turned into
// JSON byte for byte (transcode.ts); the few it does not take go through the full decoder, rejects included.

import { encodeDecodedRecord } from '../contract/json.ts'
import { JSON_OVERHEAD_BYTES, transcodeCsvLine } from '../contract/transcode.ts'
import { eachDataLine, type LineBlock } from '../dataset/csv-lines.ts'
import { csvRowOf } from '../dataset/csv-reader.ts'
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

/** A first guess at a message's size; a chunk's buffer grows when its rows are longer. */
const MESSAGE_BYTES_GUESS = 256

/** One chunk being filled. */
class ChunkBuilder {
  #data: Buffer
  #size = 0
  readonly ends: Uint32Array
  count = 0
  readonly rejects: Reject[] = []

  constructor(rows: number) {
    // Allocated apart from Node's shared pool, so the chunk can move to another thread without a copy.
    this.#data = Buffer.allocUnsafeSlow(rows * MESSAGE_BYTES_GUESS)
    this.ends = new Uint32Array(rows)
  }

  #reserve(bytes: number): Buffer {
    if (this.#size + bytes > this.#data.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.#data.length * 2, this.#size + bytes))
      this.#data.copy(grown, 0, 0, this.#size)
      this.#data = grown
    }
    return this.#data
  }

  #ended(end: number): void {
    this.#size = end
    this.ends[this.count++] = end
  }

  addLine(bytes: Buffer, start: number, end: number, lineNumber: number): void {
    const data = this.#reserve(end - start + JSON_OVERHEAD_BYTES)
    const written = transcodeCsvLine(bytes, start, end, data, this.#size)
    if (written >= 0) {
      this.#ended(written)
      return
    }
    const row = csvRowOf(bytes.toString('utf8', start, end), lineNumber)
    if (!row.ok) {
      this.rejects.push({ lineNumber, reason: row.reason, line: row.line })
      return
    }
    const message = encodeDecodedRecord(row.record)
    const target = this.#reserve(Buffer.byteLength(message))
    this.#ended(this.#size + target.write(message, this.#size))
  }

  get empty(): boolean {
    return this.count === 0 && this.rejects.length === 0
  }

  chunk(): JsonChunk {
    return {
      data: this.#data.subarray(0, this.#size),
      ends: this.ends.subarray(0, this.count),
      rejects: this.rejects,
    }
  }
}

export async function* jsonChunks(
  blocks: AsyncIterable<LineBlock>,
  options: JsonChunkOptions,
): AsyncGenerator<JsonChunk> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY
  let read = 0
  let builder = new ChunkBuilder(options.chunkRows)
  for await (const block of blocks) {
    const full: JsonChunk[] = []
    eachDataLine(block, (start, end, lineNumber) => {
      if (read >= limit) return
      read += 1
      builder.addLine(block.bytes, start, end, lineNumber)
      if (builder.count >= options.chunkRows) {
        full.push(builder.chunk())
        builder = new ChunkBuilder(options.chunkRows)
      }
    })
    yield* full
    if (read >= limit) break
  }
  if (!builder.empty) yield builder.chunk()
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
