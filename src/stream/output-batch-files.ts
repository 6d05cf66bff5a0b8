// Output stage: CSV batch files, exactly once. Each partition has one open batch, a contiguous offset range held
// in memory; a full batch (or the last partial one) becomes a file atomically, and only then may the caller
// commit its end. Batches are cut by counting rows from where the partition's files end, so whoever writes a
// given range — this member, a restarted one, another member after a rebalance — produces the same file name
// with the same bytes. Lifecycle: connect → recover/open/append/flush per partition → close.
import { mkdir } from 'node:fs/promises'
import { CSV_HEADER } from '../schema/csv.ts'
import {
  batchFileName,
  listBatchFiles,
  pruneNested,
  removeLeftovers,
  writeDurably,
  writerTag,
} from './batch-files.ts'

const HEADER = Buffer.from(`${CSV_HEADER}\n`)

export interface WrittenBatch {
  partition: number
  first: bigint
  last: bigint
  rows: number
  /** Absent when the range held only dead letters: there is nothing to write, only an offset to commit. */
  file?: string
}

interface OpenBatch {
  first: bigint
  /** The offset after the last one appended. */
  next: bigint
  rows: number
  /** The CSV text so far. Lines are encoded as they come rather than kept as strings: a kept string is a rope of
   * its fields, ten times its size, that survives into the old generation and makes garbage collection dominate. */
  text: GrowingBuffer
}

class GrowingBuffer {
  #buffer = Buffer.allocUnsafe(1 << 20)
  length = 0

  append(line: string): void {
    // A UTF-8 character takes at most 3 bytes per UTF-16 unit; +1 for the line break.
    const needed = this.length + line.length * 3 + 1
    if (needed > this.#buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2))
      this.#buffer.copy(bigger, 0, 0, this.length)
      this.#buffer = bigger
    }
    this.length += this.#buffer.write(line, this.length)
    this.#buffer[this.length++] = 0x0a
  }

  bytes(): Buffer {
    return this.#buffer.subarray(0, this.length)
  }
}

function emptyBatch(first: bigint): OpenBatch {
  return { first, next: first, rows: 0, text: new GrowingBuffer() }
}

export interface BatchFilesOptions {
  dir: string
  topic: string
  batchSize: number
}

export class BatchFilesOutput {
  readonly #options: BatchFilesOptions
  readonly #tag = writerTag()
  readonly #batches = new Map<number, OpenBatch>()

  constructor(options: BatchFilesOptions) {
    this.#options = options
  }

  async connect(): Promise<void> {
    await mkdir(this.#options.dir, { recursive: true })
  }

  /**
   * Makes a newly assigned partition's files consistent (leftover temporary files deleted, nested duplicates
   * pruned) and returns the offset after the last one they hold, if any.
   */
  async recover(partition: number): Promise<bigint | undefined> {
    const { dir, topic } = this.#options
    await removeLeftovers(dir, topic, partition)
    const files = await pruneNested(dir, await listBatchFiles(dir, topic, partition))
    const last = files.reduce<bigint | undefined>(
      (max, f) => (max === undefined || f.last > max ? f.last : max),
      undefined,
    )
    return last === undefined ? undefined : last + 1n
  }

  /**
   * Opens the partition's batch at `start`. An open batch that already starts there is kept (the partition stayed
   * with this member through a rebalance). Returns the offset reading must continue from.
   */
  open(partition: number, start: bigint): bigint {
    const current = this.#batches.get(partition)
    if (current?.first === start) return current.next
    this.#batches.set(partition, emptyBatch(start))
    return start
  }

  /** Forgets a partition's open batch (revoked, or its files moved on): its offsets will be read again. */
  drop(partition: number): void {
    this.#batches.delete(partition)
  }

  /** Partitions with an open batch. */
  partitions(): number[] {
    return [...this.#batches.keys()]
  }

  /** Whether the message at `offset` is new to the partition's open batch. */
  expects(partition: number, offset: bigint): boolean {
    const batch = this.#batches.get(partition)
    return batch !== undefined && offset >= batch.next
  }

  /**
   * Adds the message at `offset` (one the batch `expects`): its CSV line, or undefined when it went to dead
   * letters (the range still covers it). Returns true when the batch is full.
   */
  append(partition: number, offset: bigint, line: string | undefined): boolean {
    const batch = this.#batches.get(partition)
    if (!batch || offset < batch.next) return false
    if (line !== undefined) {
      batch.text.append(line)
      batch.rows += 1
    }
    batch.next = offset + 1n
    return batch.rows >= this.#options.batchSize
  }

  isFull(partition: number): boolean {
    return (this.#batches.get(partition)?.rows ?? 0) >= this.#options.batchSize
  }

  /** Whether the partition's open batch has consumed anything. */
  hasPending(partition: number): boolean {
    const batch = this.#batches.get(partition)
    return batch !== undefined && batch.next > batch.first
  }

  /**
   * Turns the open batch into a file (nothing to do when it consumed nothing) and opens the next one right after
   * it. Resolves undefined when the temporary file vanished: another member took the partition over and cleaned
   * up; the batch stays open and the caller must re-check its assignment.
   */
  async flush(partition: number): Promise<WrittenBatch | undefined> {
    const batch = this.#batches.get(partition)
    if (!batch || batch.next === batch.first) return undefined
    const { dir, topic } = this.#options
    const last = batch.next - 1n
    const written: WrittenBatch = { partition, first: batch.first, last, rows: batch.rows }
    if (batch.rows > 0) {
      const name = batchFileName(topic, partition, batch.first, last)
      try {
        await writeDurably(dir, name, [HEADER, batch.text.bytes()], this.#tag)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw error
      }
      await pruneNested(dir, await listBatchFiles(dir, topic, partition))
      written.file = name
    }
    this.#batches.set(partition, emptyBatch(batch.next))
    return written
  }

  async close(): Promise<void> {
    this.#batches.clear()
  }
}
