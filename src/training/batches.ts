// The training input: the consumer's final batch files of one topic (named as src/stream/batch-files.ts names
// them, the same files the pipeline counts), checked here before Spark sees them (present, readable, the contract's
// header), then read by Spark with the explicit schema in FAILFAST mode — each path taken literally, never as a
// glob — and cached on the server for the many passes training makes.

import type { S3Settings } from '../config.ts'
import { BATCH_SCHEMA } from '../contract/batch-schema.ts'
import { COLUMN_NAMES } from '../contract/columns.ts'
import { checkCsvHeader } from '../contract/csv.ts'
import { readTrafficCsv } from '../dataset/csv-reader.ts'
import { describeError, TrafficError } from '../errors.ts'
import {
  hasGlobCharacters,
  isSparkConnectError,
  literalHadoopPath,
  quoteIdentifier,
  type Row,
  type SparkSession,
} from '../spark/index.ts'
import { objectLocation, parseStoreLocation, sparkPathOf } from '../storage/location.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { openStore } from '../storage/open-store.ts'
import { type BatchFile, batchFilePattern, batchTopics, listBatchFiles } from '../stream/batch-files.ts'
import type { CachedTable, ServerState } from './server-state.ts'
import { newestFiles } from './window.ts'

/** Fewer rows than this cannot give three parts with a meaningful held-out set each. */
export const MIN_ROWS = 100

const BATCHES_SETTING = 'TRAFFIC_BATCHES (--batches)'

const CONSUME_HINT =
  'produce and consume the data set first (`traffic produce`, `traffic consume`) or pass --batches DIR'

/** The header line of a batch object, read through its store. */
async function checkObject(store: ObjectStore, key: string): Promise<void> {
  const where = objectLocation(store.location, key)
  let body: Buffer | undefined
  try {
    body = (await store.get(key))?.body
  } catch (error) {
    throw new TrafficError('IO_ERROR', `Cannot read the batch file ${where} (${describeError(error)})`, {
      cause: error,
    })
  }
  if (body === undefined) throw new TrafficError('IO_ERROR', `The batch file ${where} vanished`)
  const end = body.indexOf('\n')
  const line = body
    .subarray(0, end === -1 ? body.length : end)
    .toString('utf8')
    .replace(/\r$/, '')
  if (line === '') throw new TrafficError('INVALID_INPUT', `The batch file ${where} is empty`)
  const problem = checkCsvHeader(line)
  if (problem)
    throw new TrafficError('INVALID_INPUT', `The batch file ${where} is not a traffic batch: ${problem}`)
}

/**
 * Fails clearly for a folder Spark cannot read: Hadoop expands a path with glob characters component by component,
 * and takes a component holding a ':' for a URI with a scheme.
 */
function checkSparkCanRead(dir: string): void {
  if (!dir.includes(':') || !hasGlobCharacters(dir)) return
  throw new TrafficError(
    'INVALID_INPUT',
    `Spark cannot read the batch folder ${dir}: its path holds both a ':' and one of [ ] { } * ? \\, which ` +
      'Hadoop reads as a URI inside a glob pattern',
    {
      hint: 'move the batch files to a folder without those characters and pass it with --batches (or TRAFFIC_BATCHES)',
    },
  )
}

export interface FoundBatches {
  /** The batch objects read, by partition and offset. */
  files: BatchFile[]
  /** The same, as the paths Spark reads them by (`s3a://` for a bucket). */
  paths: string[]
}

/**
 * The batch objects of `topic` at `location` (a folder or `s3://bucket/prefix`), by partition and offset — with
 * `windowRows`, only the newest ones holding that many rows (training/window.ts) — each checked; fails clearly
 * when there are none.
 */
export async function findBatches(
  location: string,
  topic: string,
  s3: S3Settings,
  windowRows?: number,
): Promise<FoundBatches> {
  const store = openStore(BATCHES_SETTING, location, s3)
  if (parseStoreLocation(BATCHES_SETTING, location).kind === 'folder') checkSparkCanRead(location)
  let files: BatchFile[]
  try {
    files = await listBatchFiles(store, topic)
  } catch (error) {
    throw new TrafficError('IO_ERROR', `Cannot list the batch folder ${location}: ${describeError(error)}`, {
      cause: error,
    })
  }
  if (files.length === 0) {
    const pattern = batchFilePattern(topic)
    throw new TrafficError(
      'NOT_ENOUGH_DATA',
      `No batch files of topic ${topic} (${pattern}) in ${location}`,
      {
        hint: (await otherTopics(store)) ?? CONSUME_HINT,
      },
    )
  }
  if (windowRows !== undefined) files = newestFiles(files, windowRows)
  for (const file of files) await checkObject(store, file.name)
  return { files, paths: files.map((file) => sparkPathOf(objectLocation(store.location, file.name))) }
}

/** All batch objects of `topic` at `location`, as the paths Spark reads them by. */
export async function findBatchFiles(location: string, topic: string, s3: S3Settings): Promise<string[]> {
  return (await findBatches(location, topic, s3)).paths
}

/** A hint naming the topics whose batch files the folder does hold, if any. */
async function otherTopics(store: ObjectStore): Promise<string | undefined> {
  const topics = await batchTopics(store).catch(() => [])
  if (topics.length === 0) return undefined
  return `the folder holds batch files of ${topics.join(', ')}: pass --topic (or set KAFKA_TOPIC) to train on them`
}

/** Spark names the file at best; the first row our own codec rejects says which line and why. */
async function firstInvalidRow(files: string[]): Promise<string | undefined> {
  for (const file of files) {
    for await (const row of readTrafficCsv(file)) {
      if (!row.ok) return `${file} line ${row.lineNumber}: ${row.reason}`
    }
  }
  return undefined
}

export interface LoadedBatches {
  table: CachedTable
  rows: number
}

/** Rows with an empty field: Spark reads them as nulls, which no stage accepts. */
const INCOMPLETE = COLUMN_NAMES.map((name) => `${quoteIdentifier(name)} IS NULL`).join(' OR ')

/**
 * Reads the batch files into the server's cache. Malformed rows fail here (FAILFAST) rather than in the
 * middle of a fit; so do rows with empty fields and too small data sets.
 */
export async function loadBatches(
  spark: SparkSession,
  state: ServerState,
  files: string[],
): Promise<LoadedBatches> {
  const read = spark.readCsv(files.map(literalHadoopPath), {
    schema: [...BATCH_SCHEMA],
    options: { mode: 'FAILFAST' },
  })
  let table: CachedTable
  let summary: Row | undefined
  try {
    table = await state.cache(read, 'traffic_batches')
    ;[summary] = await spark
      .sql(`SELECT count(*) AS rows, count_if(${INCOMPLETE}) AS incomplete FROM ${table.view}`)
      .collect()
  } catch (error) {
    if (!isSparkConnectError(error, 'SERVER_ERROR')) throw error
    // Best effort: only a batch file on this machine's disk can be searched for the first bad row.
    const culprit = await firstInvalidRow(files).catch(() => undefined)
    throw new TrafficError(
      'INVALID_INPUT',
      `Spark could not read the batch files: ${culprit ?? error.message}`,
      {
        hint: 'every row needs the 11 columns of the contract, with values of the right type',
        cause: error,
      },
    )
  }
  const rows = Number(summary?.rows ?? 0)
  const incomplete = Number(summary?.incomplete ?? 0)
  if (incomplete > 0) {
    throw new TrafficError(
      'INVALID_INPUT',
      `${incomplete} of ${rows} rows in the batch files have empty fields; every column is required`,
    )
  }
  if (rows < MIN_ROWS) {
    throw new TrafficError(
      'NOT_ENOUGH_DATA',
      `The batch files hold ${rows} rows; training needs at least ${MIN_ROWS}`,
      {
        hint: CONSUME_HINT,
      },
    )
  }
  return { table, rows }
}
