// The training input: the consumer's final batch files of one topic (named as src/stream/batch-files.ts names
// them, the same files the pipeline counts), checked here before Spark sees them (present, readable, the contract's
// header), then read by Spark with the explicit schema in FAILFAST mode — each path taken literally, never as a
// glob — and cached on the server for the many passes training makes.
import { open } from 'node:fs/promises'
import path from 'node:path'
import { BATCH_SCHEMA } from '../contract/batch-schema.ts'
import { COLUMN_NAMES } from '../contract/columns.ts'
import { checkCsvHeader } from '../contract/csv.ts'
import { readTrafficCsv } from '../dataset/csv-reader.ts'
import { TrafficError } from '../errors.ts'
import {
  hasGlobCharacters,
  isSparkConnectError,
  literalHadoopPath,
  quoteIdentifier,
  type Row,
  type SparkSession,
} from '../spark/index.ts'
import { FolderStore } from '../storage/folder-store.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { batchFilePattern, batchTopics, listBatchFiles } from '../stream/batch-files.ts'
import type { CachedTable, ServerState } from './server-state.ts'

/** Fewer rows than this cannot give three parts with a meaningful held-out set each. */
export const MIN_ROWS = 100

const CONSUME_HINT =
  'produce and consume the data set first (`traffic produce`, `traffic consume`) or pass --batches DIR'

async function firstLine(file: string): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const buffer = Buffer.alloc(4096)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    return buffer.subarray(0, bytesRead).toString('utf8').split(/\r?\n/, 1)[0] ?? ''
  } finally {
    await handle.close()
  }
}

async function checkFile(file: string): Promise<void> {
  let line: string
  try {
    line = await firstLine(file)
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error)
    throw new TrafficError('IO_ERROR', `Cannot read the batch file ${file} (${reason})`, { cause: error })
  }
  if (line === '') throw new TrafficError('INVALID_INPUT', `The batch file ${file} is empty`)
  const problem = checkCsvHeader(line)
  if (problem)
    throw new TrafficError('INVALID_INPUT', `The batch file ${file} is not a traffic batch: ${problem}`)
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

/** The batch files of `topic` in `dir`, by partition and offset, each checked; fails clearly when there are none. */
export async function findBatchFiles(dir: string, topic: string): Promise<string[]> {
  checkSparkCanRead(path.resolve(dir))
  const store = new FolderStore(path.resolve(dir))
  let files: string[]
  try {
    files = (await listBatchFiles(store, topic)).map((file) => path.join(dir, file.name))
  } catch (error) {
    throw new TrafficError('IO_ERROR', `Cannot list the batch folder ${dir}: ${String(error)}`, {
      cause: error,
    })
  }
  if (files.length === 0) {
    const pattern = batchFilePattern(topic)
    throw new TrafficError('NOT_ENOUGH_DATA', `No batch files of topic ${topic} (${pattern}) in ${dir}`, {
      hint: (await otherTopics(store)) ?? CONSUME_HINT,
    })
  }
  for (const file of files) await checkFile(file)
  return files
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
    const culprit = await firstInvalidRow(files)
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
