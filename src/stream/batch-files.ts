// Batch objects are named by the offsets they hold: urban_traffic_batch_<topic>-<partition>-<first>-<last>.csv,
// the offsets zero-padded to 19 digits (any 64-bit offset) so that a listing in key order is in offset order;
// names written before the padding are read too. The store (a folder or a bucket, see src/storage/) is the
// consumer's durable state: an object exists only once all its rows are stored, and the objects of a partition
// tile its offsets from the partition's origin; the first offset no object holds says where reading resumes.
// A hidden origin object per partition records which topic (by Kafka topic ID) the objects came from and where
// they begin, so objects of a deleted and recreated topic of the same name are never trusted.
import type { Config } from '../config.ts'
import { TrafficError } from '../errors.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { openStore } from '../storage/open-store.ts'

export const BATCH_PREFIX = 'urban_traffic_batch_'
const FINAL = /^urban_traffic_batch_(.+)-(\d+)-(\d+)-(\d+)\.csv$/
const OFFSET_DIGITS = 19

export interface BatchFile {
  topic: string
  partition: number
  /** First and last offset of the range the object covers (invalid messages inside it went to dead letters). */
  first: bigint
  last: bigint
  /** The object's key in the store. */
  name: string
}

export function batchFileName(topic: string, partition: number, first: bigint, last: bigint): string {
  const offset = (n: bigint) => String(n).padStart(OFFSET_DIGITS, '0')
  return `${BATCH_PREFIX}${topic}-${partition}-${offset(first)}-${offset(last)}.csv`
}

/** The names of a topic's batch objects, as a person reads them in a message. */
export function batchFilePattern(topic: string): string {
  return `${BATCH_PREFIX}${topic}-<partition>-<first>-<last>.csv`
}

export function parseBatchFileName(name: string): BatchFile | undefined {
  const match = FINAL.exec(name)
  if (!match) return undefined
  const [, topic, partition, first, last] = match as unknown as [string, string, string, string, string]
  return { topic, partition: Number(partition), first: BigInt(first), last: BigInt(last), name }
}

/** The batch objects of a topic (optionally one partition), by partition then first offset. */
export async function listBatchFiles(
  store: ObjectStore,
  topic: string,
  partition?: number,
): Promise<BatchFile[]> {
  const prefix = `${BATCH_PREFIX}${topic}-${partition === undefined ? '' : `${partition}-`}`
  return (await store.list(prefix))
    .map(parseBatchFileName)
    .filter((f): f is BatchFile => f !== undefined && f.topic === topic)
    .filter((f) => partition === undefined || f.partition === partition)
    .sort((a, b) => a.partition - b.partition || compare(a.first, b.first) || compare(b.last, a.last))
}

/** Reads the store once: fails at once, naming it, when it cannot be read (an unknown bucket, wrong credentials). */
export async function checkBatchStore(store: ObjectStore): Promise<void> {
  await store.list(`.${BATCH_PREFIX}`)
}

/** The topics whose batch objects the store holds. */
export async function batchTopics(store: ObjectStore): Promise<string[]> {
  const names = await store.list(BATCH_PREFIX)
  return [...new Set(names.flatMap((name) => parseBatchFileName(name)?.topic ?? []))]
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The error for batch objects deleted (the folder, or the prefix emptied) while a consumer writes them, found by
 * the partition's origin record having vanished. Going on would fill the store from the group's committed
 * offsets only, silently without the rows of the deleted objects: the run stops instead.
 */
export function batchStoreDeleted(location: string, topic: string, partition: number): TrafficError {
  return new TrafficError(
    'IO_ERROR',
    `the batches at ${location} were deleted (the folder removed or emptied) while the consumer was writing ` +
      `them: the origin record of ${topic} partition ${partition} is gone`,
    {
      hint:
        'consume again to write a new one; `npm start` reads the whole topic again, ' +
        "`traffic consume` reads from the group's committed offsets",
    },
  )
}

/**
 * Keeps one object per offset. Two members of a group can briefly both write a partition during a rebalance (one
 * of them not knowing yet that it lost it), and they may cut batches at different offsets. Every object holds the
 * right rows for its range, so any choice is correct: an object inside another is deleted, and of two objects
 * that cross, the later-starting one is deleted; the offsets it alone held become a gap that the next writer of
 * the partition reads again (see firstGap). Returns the objects that remain, in order.
 */
export async function pruneOverlaps(store: ObjectStore, files: BatchFile[]): Promise<BatchFile[]> {
  const kept: BatchFile[] = []
  for (const file of files) {
    const cover = kept.at(-1)
    if (cover && cover.partition === file.partition && file.first <= cover.last) {
      await store.delete(file.name)
      continue
    }
    kept.push(file)
  }
  return kept
}

export interface Gap {
  /** The first offset at or after the starting point that no object holds. */
  start: bigint
  /** Where the next object begins, when the gap is followed by one (a gap to fill, not the end of the objects). */
  end?: bigint
}

/** The first gap in a partition's objects (sorted, not overlapping) at or after `from`. */
export function firstGap(files: BatchFile[], from: bigint): Gap {
  let start = from
  for (const file of files) {
    if (file.last < start) continue
    if (file.first > start) return { start, end: file.first }
    start = file.last + 1n
  }
  return { start }
}

/** Which topic a partition's objects were read from, and the offset they begin at. */
export interface PartitionOrigin {
  topicId: string
  first: bigint
}

function originKey(topic: string, partition: number): string {
  return `.${BATCH_PREFIX}${topic}-${partition}.origin.json`
}

function parseOrigin(body: Buffer): PartitionOrigin {
  const saved = JSON.parse(body.toString('utf8'))
  return { topicId: String(saved.topicId), first: BigInt(saved.first) }
}

/** The topic ID an origin record names; undefined when it is unreadable (and so to be replaced). */
function topicIdOf(body: Buffer): string | undefined {
  try {
    return parseOrigin(body).topicId
  } catch {
    return undefined
  }
}

export async function readOrigin(
  store: ObjectStore,
  topic: string,
  partition: number,
): Promise<PartitionOrigin | undefined> {
  const stored = await store.get(originKey(topic, partition))
  if (!stored) return undefined
  try {
    return parseOrigin(stored.body)
  } catch (error) {
    throw new TrafficError('IO_ERROR', `${originKey(topic, partition)} in ${store.location} is unreadable`, {
      hint: 'delete it: the batch objects of that partition are then taken to come from the current topic',
      cause: error,
    })
  }
}

/**
 * Records the partition's origin. An origin of this topic already there (another member was first) is kept; one
 * of another topic (stale: its objects were moved away) is replaced with a compare-and-swap.
 */
export async function writeOrigin(
  store: ObjectStore,
  topic: string,
  partition: number,
  origin: PartitionOrigin,
): Promise<void> {
  const key = originKey(topic, partition)
  const body = `${JSON.stringify({ topicId: origin.topicId, first: String(origin.first) })}\n`
  for (;;) {
    const existing = await store.get(key)
    if (!existing) {
      if (await store.createIfAbsent(key, body)) return
    } else if (topicIdOf(existing.body) === origin.topicId) {
      return
    } else if (await store.replaceIf(key, body, existing.version)) {
      return
    }
  }
}

/** The store of the batch objects the config names (TRAFFIC_BATCHES: a folder or an `s3://` prefix). */
export function batchStore(config: Config): ObjectStore {
  return openStore('TRAFFIC_BATCHES (--batches)', config.paths.batches, config.storage.s3)
}

/**
 * Deletes every batch object and origin record in the store, of every topic — and nothing else, should the
 * location be shared with other data.
 */
export async function deleteAllBatches(store: ObjectStore): Promise<void> {
  for (const prefix of [BATCH_PREFIX, `.${BATCH_PREFIX}`]) {
    for (const key of await store.list(prefix)) await store.delete(key)
  }
}
