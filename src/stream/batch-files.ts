// Batch file names carry the offsets they hold: urban_traffic_batch_<topic>-<partition>-<first>-<last>.csv.
// The folder itself is the consumer's durable state: a file exists only once all its rows are on disk, and the
// files of a partition tile its offsets from the partition's origin; the first offset no file holds says where
// reading resumes. A hidden origin file per partition records which topic (by Kafka topic ID) the files came
// from and where they begin, so files of a deleted and recreated topic of the same name are never trusted.
import { randomBytes } from 'node:crypto'
import { open, readdir, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../errors.ts'

export const BATCH_PREFIX = 'urban_traffic_batch_'
const FINAL = /^urban_traffic_batch_(.+)-(\d+)-(\d+)-(\d+)\.csv$/
// The writer tag keeps two processes that write the same batch (see pruneOverlaps) off each other's bytes.
const TEMPORARY = /^(urban_traffic_batch_.+-\d+-\d+-\d+\.csv)\.[^.]+\.tmp$/

export interface BatchFile {
  topic: string
  partition: number
  /** First and last offset of the range the file covers (invalid messages inside it went to dead letters). */
  first: bigint
  last: bigint
  name: string
}

export function batchFileName(topic: string, partition: number, first: bigint, last: bigint): string {
  return `${BATCH_PREFIX}${topic}-${partition}-${first}-${last}.csv`
}

/** The names of a topic's batch files, as a person reads them in a message. */
export function batchFilePattern(topic: string): string {
  return `${BATCH_PREFIX}${topic}-<partition>-<first>-<last>.csv`
}

export function parseBatchFileName(name: string): BatchFile | undefined {
  const match = FINAL.exec(name)
  if (!match) return undefined
  const [, topic, partition, first, last] = match as unknown as [string, string, string, string, string]
  return { topic, partition: Number(partition), first: BigInt(first), last: BigInt(last), name }
}

/** The final batch files of a topic (optionally one partition), by partition then first offset. */
export async function listBatchFiles(dir: string, topic: string, partition?: number): Promise<BatchFile[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return []
    throw error
  })
  return batchFilesAmong(names, topic, partition)
}

/** The final batch files of a topic (optionally one partition) among `names`, by partition then first offset. */
export function batchFilesAmong(names: string[], topic: string, partition?: number): BatchFile[] {
  return names
    .map(parseBatchFileName)
    .filter((f): f is BatchFile => f !== undefined && f.topic === topic)
    .filter((f) => partition === undefined || f.partition === partition)
    .sort((a, b) => a.partition - b.partition || compare(a.first, b.first) || compare(b.last, a.last))
}

function compare(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * The error for a batch folder deleted while a consumer writes to it. Recreating it would fill the new folder from
 * the group's committed offsets only, silently without the rows of the deleted files: the run stops instead.
 */
export function batchFolderDeleted(dir: string, cause: unknown): TrafficError {
  return new TrafficError(
    'IO_ERROR',
    `the batch folder ${dir} was deleted while the consumer was writing to it`,
    {
      hint:
        'consume again to write a new one; `npm start` reads the whole topic again into a new folder, ' +
        "`traffic consume` reads from the group's committed offsets",
      cause,
    },
  )
}

/** Deletes the temporary files a writer left behind for a partition (a crash before its rename). */
export async function removeLeftovers(dir: string, topic: string, partition: number): Promise<number> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    throw error.code === 'ENOENT' ? batchFolderDeleted(dir, error) : error
  })
  let removed = 0
  for (const name of names) {
    const final = TEMPORARY.exec(name)?.[1]
    const file = final === undefined ? undefined : parseBatchFileName(final)
    const origin = name.startsWith(`${originFileName(topic, partition)}.`) && name.endsWith('.tmp')
    if ((file?.topic === topic && file.partition === partition) || origin) {
      await rm(path.join(dir, name), { force: true })
      removed += 1
    }
  }
  return removed
}

/**
 * Keeps one file per offset. Two members of a group can briefly both write a partition during a rebalance (one of
 * them not knowing yet that it lost it), and they may cut batches at different offsets. Every file holds the
 * right rows for its range, so any choice is correct: a file inside another is deleted, and of two files that
 * cross, the later-starting one is deleted; the offsets it alone held become a gap that the next writer of the
 * partition reads again (see firstGap). Returns the files that remain, in order.
 */
export async function pruneOverlaps(dir: string, files: BatchFile[]): Promise<BatchFile[]> {
  const kept: BatchFile[] = []
  for (const file of files) {
    const cover = kept.at(-1)
    if (cover && cover.partition === file.partition && file.first <= cover.last) {
      await rm(path.join(dir, file.name), { force: true })
      continue
    }
    kept.push(file)
  }
  return kept
}

export interface Gap {
  /** The first offset at or after the starting point that no file holds. */
  start: bigint
  /** Where the next file begins, when the gap is followed by one (a gap to fill, not the end of the files). */
  end?: bigint
}

/** The first gap in a partition's files (sorted, not overlapping) at or after `from`. */
export function firstGap(files: BatchFile[], from: bigint): Gap {
  let start = from
  for (const file of files) {
    if (file.last < start) continue
    if (file.first > start) return { start, end: file.first }
    start = file.last + 1n
  }
  return { start }
}

/** Which topic a partition's files were read from, and the offset they begin at. */
export interface PartitionOrigin {
  topicId: string
  first: bigint
}

function originFileName(topic: string, partition: number): string {
  return `.${BATCH_PREFIX}${topic}-${partition}.origin.json`
}

export async function readOrigin(
  dir: string,
  topic: string,
  partition: number,
): Promise<PartitionOrigin | undefined> {
  try {
    const saved = JSON.parse(await readFile(path.join(dir, originFileName(topic, partition)), 'utf8'))
    return { topicId: String(saved.topicId), first: BigInt(saved.first) }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new TrafficError('IO_ERROR', `${originFileName(topic, partition)} in ${dir} is unreadable`, {
      hint: 'delete it: the batch files of that partition are then taken to come from the current topic',
      cause: error,
    })
  }
}

export async function writeOrigin(
  dir: string,
  topic: string,
  partition: number,
  origin: PartitionOrigin,
  tag: string,
): Promise<void> {
  const json = JSON.stringify({ topicId: origin.topicId, first: String(origin.first) })
  await writeDurably(dir, originFileName(topic, partition), [Buffer.from(`${json}\n`)], tag)
}

/** A tag unique to this writer, for its temporary files. */
export function writerTag(): string {
  return `${process.pid}${randomBytes(3).toString('hex')}`
}

/**
 * Writes a file so that it either exists whole or not at all, even across a power cut: write a temporary file,
 * fsync it, rename it into place, fsync the folder (which makes the rename itself durable).
 */
export async function writeDurably(dir: string, name: string, content: Buffer[], tag: string): Promise<void> {
  const temporary = path.join(dir, `${name}.${tag}.tmp`)
  const file = await open(temporary, 'w')
  try {
    const { bytesWritten } = await file.writev(content)
    const expected = content.reduce((sum, chunk) => sum + chunk.length, 0)
    if (bytesWritten !== expected) {
      throw new TrafficError(
        'IO_ERROR',
        `short write to ${temporary}: ${bytesWritten} of ${expected} bytes`,
        {
          hint: 'is the disk full?',
        },
      )
    }
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, path.join(dir, name))
  const folder = await open(dir, 'r')
  try {
    await folder.sync()
  } finally {
    await folder.close()
  }
}
