// Output stage: CSV batch objects, exactly once, in a folder or a bucket (any ObjectStore). Each partition has one
// open batch, a contiguous offset range held in memory; a full batch (or the last partial one) becomes one object
// with a single exclusive create, and only once the store has acknowledged it may the caller commit its end.
// Batches are cut by counting rows from the first offset the partition's objects lack, so whoever writes a given
// range — this member, a restarted one, another member after a rebalance — produces the same key with the same
// bytes: finding the object already there is success. A gap between objects (a deleted object, or one pruned as
// an overlap) is read again, in batches cut where the next object begins.
// Lifecycle: resume/append/flush per partition → close.
import { CSV_HEADER } from '../contract/csv.ts'
import { TrafficError } from '../errors.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import {
  type BatchFile,
  batchFileName,
  batchStoreDeleted,
  firstGap,
  type Gap,
  listBatchFiles,
  pruneOverlaps,
  readOrigin,
  writeOrigin,
} from './batch-files.ts'

const HEADER = Buffer.from(`${CSV_HEADER}\n`)

export interface WrittenBatch {
  partition: number
  first: bigint
  last: bigint
  /** Rows in the object (fewer than the range's offsets when some messages went to dead letters; maybe none). */
  rows: number
  /** The object's key. */
  file: string
  /** False when the object was there already: another member (or an earlier run) wrote the same range first. */
  created: boolean
  /** Where reading continues: after `last`, or elsewhere when the files have a gap to fill or end further on. */
  next: bigint
}

/** Where a newly assigned partition's reading starts, and the offsets lost to retention before it. */
export interface Resumption {
  from: bigint
  /** The first offset the objects lack (or, before it, the topic no longer holds): what the group may commit. */
  stored: bigint
  /** Offsets the files lack that the topic no longer holds (deleted by retention before they were read). */
  missing: bigint
}

/** The broker's view of a partition, for resuming it. */
export interface PartitionPosition {
  /** The group's committed offset, if any. */
  committed?: bigint
  /** The first offset the topic still holds. */
  earliest: bigint
}

interface OpenBatch {
  first: bigint
  /** The first offset of the file that follows the gap this batch fills: the batch ends before it. */
  end?: bigint
  /** The offset after the last one appended. */
  next: bigint
  rows: number
  /** The CSV bytes so far. Each line is copied in as it comes: lines kept as strings (ropes of their fields, ten
   * times their size) would survive into the old generation and make garbage collection dominate. */
  text: GrowingBuffer
}

class GrowingBuffer {
  #buffer = Buffer.allocUnsafe(1 << 20)
  length = 0

  append(line: Uint8Array): void {
    const needed = this.length + line.length + 1
    if (needed > this.#buffer.length) {
      const bigger = Buffer.allocUnsafe(Math.max(needed, this.#buffer.length * 2))
      this.#buffer.copy(bigger, 0, 0, this.length)
      this.#buffer = bigger
    }
    this.#buffer.set(line, this.length)
    this.length += line.length
    this.#buffer[this.length++] = 0x0a
  }

  bytes(): Buffer {
    return this.#buffer.subarray(0, this.length)
  }
}

function emptyBatch(gap: Gap): OpenBatch {
  return { first: gap.start, end: gap.end, next: gap.start, rows: 0, text: new GrowingBuffer() }
}

export interface BatchFilesOptions {
  store: ObjectStore
  topic: string
  /** The Kafka topic ID: files written from another topic of the same name are refused. */
  topicId: string
  batchSize: number
}

export class BatchFilesOutput {
  readonly #options: BatchFilesOptions
  readonly #batches = new Map<number, OpenBatch>()
  /** Per partition, the offset below which the files are complete (or the rest was lost to retention). */
  readonly #floors = new Map<number, bigint>()
  /** Partitions whose origin file says the files come from this topic (written before the first file). */
  readonly #originKnown = new Set<number>()

  constructor(options: BatchFilesOptions) {
    this.#options = options
  }

  /**
   * Makes a newly assigned partition's objects consistent (overlaps pruned), checks they come from this topic, and
   * opens the partition's batch at the first offset they lack — or, in a store new to the partition, at the
   * committed offset. An open batch that already starts there is kept (the partition stayed with this member
   * through a rebalance). Offsets the topic no longer holds are skipped and counted. Fails when the partition's
   * origin record, seen before, has vanished: the store was deleted or emptied under this run.
   */
  async resume(partition: number, position: PartitionPosition): Promise<Resumption> {
    const files = await this.#files(partition)
    const origin = await this.#checkOrigin(partition, files)
    let gap = firstGap(files, origin ?? position.committed ?? position.earliest)
    let missing = 0n
    while (gap.start < position.earliest) {
      const lostUntil = gap.end !== undefined && gap.end < position.earliest ? gap.end : position.earliest
      missing += lostUntil - gap.start
      gap = firstGap(files, lostUntil)
    }
    this.#floors.set(partition, gap.start)
    const current = this.#batches.get(partition)
    if (current?.first === gap.start) return { from: current.next, stored: gap.start, missing }
    this.#batches.set(partition, emptyBatch(gap))
    return { from: gap.start, stored: gap.start, missing }
  }

  async #files(partition: number): Promise<BatchFile[]> {
    const { store, topic } = this.#options
    return pruneOverlaps(store, await listBatchFiles(store, topic, partition))
  }

  /**
   * Where the partition's files begin: the origin the folder recorded for this topic (files deleted since, even
   * all of them, are read again), else the first file; undefined for a folder new to the partition. Refuses
   * files read from another topic of the same name.
   */
  async #checkOrigin(partition: number, files: BatchFile[]): Promise<bigint | undefined> {
    const { store, topic, topicId } = this.#options
    const [firstFile] = files
    const origin = await readOrigin(store, topic, partition)
    if (!origin && this.#originKnown.has(partition)) throw batchStoreDeleted(store.location, topic, partition)
    this.#originKnown.delete(partition)
    if (origin?.topicId === topicId) {
      this.#originKnown.add(partition)
      return firstFile && firstFile.first < origin.first ? firstFile.first : origin.first
    }
    // No files: an origin of another topic is stale (its files were moved away); the first flush replaces it.
    if (!firstFile) return undefined
    if (origin) {
      throw new TrafficError(
        'INVALID_INPUT',
        `the batch files of ${topic} partition ${partition} in ${store.location} were read from an earlier ` +
          `topic of that name (topic ID ${origin.topicId}); ${topic} is now topic ID ${topicId}: it was deleted ` +
          'and recreated',
        {
          hint:
            `move the old urban_traffic_batch_${topic}-* files out of ${store.location} (they hold the old ` +
            "topic's rows) and consume again, or start from nothing with `npm start -- --fresh`",
        },
      )
    }
    // Files from before origins were recorded are taken to come from the current topic, and pinned to it.
    await writeOrigin(store, topic, partition, { topicId, first: firstFile.first })
    this.#originKnown.add(partition)
    return firstFile.first
  }

  /** Forgets a partition's open batch (revoked, or its files moved on): its offsets will be read again. */
  drop(partition: number): void {
    this.#batches.delete(partition)
  }

  /** Partitions with an open batch. */
  partitions(): number[] {
    return [...this.#batches.keys()]
  }

  /** Whether the message at `offset` is new to the partition's open batch (and inside the gap it fills). */
  expects(partition: number, offset: bigint): boolean {
    const batch = this.#batches.get(partition)
    return batch !== undefined && offset >= batch.next && (batch.end === undefined || offset < batch.end)
  }

  /**
   * Adds the message at `offset` (one the batch `expects`): its CSV line, or undefined when it went to dead
   * letters (the range still covers it). Returns true when the batch is full.
   */
  append(partition: number, offset: bigint, line: Uint8Array | undefined): boolean {
    const batch = this.#batches.get(partition)
    if (!batch || !this.expects(partition, offset)) return false
    if (line !== undefined) {
      batch.text.append(line)
      batch.rows += 1
    }
    batch.next = offset + 1n
    return this.isFull(partition)
  }

  /** Whether the open batch has its rows, or has reached the file after the gap it fills. */
  isFull(partition: number): boolean {
    const batch = this.#batches.get(partition)
    return batch !== undefined && (batch.rows >= this.#options.batchSize || batch.next === batch.end)
  }

  /** The first offset of the partition that is neither in its files nor in its open batch; undefined when not open. */
  position(partition: number): bigint | undefined {
    return this.#batches.get(partition)?.next
  }

  /** Whether the partition's open batch has consumed anything. */
  hasPending(partition: number): boolean {
    const batch = this.#batches.get(partition)
    return batch !== undefined && batch.next > batch.first
  }

  /**
   * Turns the open batch into an object — a header-only one when every message of the range went to dead letters,
   * so that the objects still tile the offsets — and opens the next batch at the first offset the objects lack.
   * An object already at the batch's key was written by another member (or an earlier run) from the same offsets,
   * with the same bytes. Fails when the partition's origin record vanished: the store was deleted or emptied.
   */
  async flush(partition: number): Promise<WrittenBatch | undefined> {
    const batch = this.#batches.get(partition)
    if (!batch || batch.next === batch.first) return undefined
    const { store, topic, topicId } = this.#options
    const last = batch.next - 1n
    const name = batchFileName(topic, partition, batch.first, last)
    if (!this.#originKnown.has(partition)) {
      await writeOrigin(store, topic, partition, { topicId, first: batch.first })
      this.#originKnown.add(partition)
    } else if (!(await readOrigin(store, topic, partition))) {
      throw batchStoreDeleted(store.location, topic, partition)
    }
    const created = await store.createIfAbsent(name, Buffer.concat([HEADER, batch.text.bytes()]))
    const files = await pruneOverlaps(store, await listBatchFiles(store, topic, partition))
    const gap = firstGap(files, this.#floors.get(partition) ?? batch.first)
    this.#batches.set(partition, emptyBatch(gap))
    return { partition, first: batch.first, last, rows: batch.rows, file: name, created, next: gap.start }
  }

  async close(): Promise<void> {
    this.#batches.clear()
  }
}
