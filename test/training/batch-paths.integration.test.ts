// Batch folders whose path holds glob characters or a ':' are read by Spark as the files they are: a glob in the
// path never reaches Hadoop as a pattern (which would miss the folder, or match a sibling's files too).
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { writeSyntheticCsv } from '../../src/dataset/write-synthetic.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import type { SparkSession } from '../../src/spark/index.ts'
import { batchFileName } from '../../src/stream/batch-files.ts'
import { findBatchFiles, loadBatches } from '../../src/training/batches.ts'
import { ServerState } from '../../src/training/server-state.ts'

const TOPIC = 'paths'
const ROWS = 150
const S3 = loadConfig().storage.s3
let work: string
let spark: SparkSession

/** A batch folder at `name` under the work folder, holding one file of `rows` synthetic rows. */
async function batchFolder(name: string, rows = ROWS): Promise<string> {
  const dir = path.join(work, name)
  await mkdir(dir, { recursive: true })
  await writeSyntheticCsv({
    rows,
    seed: 5,
    out: path.join(dir, batchFileName(TOPIC, 0, 0n, BigInt(rows - 1))),
  })
  return dir
}

async function rowsRead(dir: string): Promise<number> {
  const state = new ServerState(spark)
  const loaded = await loadBatches(spark, state, await findBatchFiles(dir, TOPIC, S3))
  await state.uncache(loaded.table)
  return loaded.rows
}

before(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'batch-paths-'))
  spark = await connectSpark(loadConfig())
})
after(async () => {
  await spark?.close()
  await rm(work, { recursive: true, force: true })
})

test('a folder named with [ ] { } * ? is read as itself, not as a pattern matching a sibling', async () => {
  const dir = await batchFolder('batches [1] {a,b} *?')
  // A sibling a glob reading of the path could match: the rows read must be this folder's alone.
  await batchFolder('batches 1 a xy', 400)
  assert.equal(await rowsRead(dir), ROWS)
})

test('a folder named with a : is read', async () => {
  assert.equal(await rowsRead(await batchFolder('batches:2026-12-07')), ROWS)
})

test('a folder Hadoop cannot express (a : and a glob character) is refused with a message naming it', async () => {
  const dir = await batchFolder('runs[1]:b')
  await assert.rejects(findBatchFiles(dir, TOPIC, S3), (error: Error) => {
    assert.match(error.message, /Spark cannot read the batch folder .*runs\[1\]:b/)
    return true
  })
})
