// The checks made before Spark sees the files (no engine needed); what Spark itself rejects is tested in
// test/cli/train.integration.test.ts.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { CSV_HEADER } from '../../src/contract/csv.ts'
import { isTrafficError } from '../../src/errors.ts'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { batchFileName, listBatchFiles } from '../../src/stream/batch-files.ts'
import { findBatchFiles } from '../../src/training/batches.ts'

const root = mkdtempSync(path.join(tmpdir(), 'batches-'))
after(() => rmSync(root, { recursive: true, force: true }))

function folder(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name)
  mkdirSync(dir, { recursive: true })
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content)
  return dir
}

const ROW = 'AquaCity,Drone,Clear,Stable,Monday,7,50.0000,1,0,25.0000,0.3000'
const TOPIC = 'city'
/** Folders only here: the S3 settings are never used. */
const S3 = loadConfig().storage.s3
const BATCH = `${CSV_HEADER}\n${ROW}\n`

test('finds the final batch files of its topic, by partition and offset, ignoring temp files and other names', async () => {
  const dir = folder('ok', {
    [batchFileName(TOPIC, 1, 0n, 99n)]: BATCH,
    [batchFileName(TOPIC, 0, 100n, 199n)]: BATCH,
    [batchFileName(TOPIC, 0, 0n, 99n)]: BATCH,
    [`${batchFileName(TOPIC, 0, 200n, 299n)}.1a2b.tmp`]: 'partial',
    [batchFileName('city.replay', 0, 0n, 99n)]: BATCH,
    'urban_traffic_batch_0.csv': BATCH,
    'notes.txt': 'x',
  })
  const expected = [
    batchFileName(TOPIC, 0, 0n, 99n),
    batchFileName(TOPIC, 0, 100n, 199n),
    batchFileName(TOPIC, 1, 0n, 99n),
  ]
  assert.deepEqual(
    (await findBatchFiles(dir, TOPIC, S3)).map((f) => path.basename(f)),
    expected,
  )
  // The pipeline counts the rows of exactly these files: training and the pipeline agree on what a batch file is.
  assert.deepEqual(
    (await listBatchFiles(new FolderStore(dir), TOPIC)).map((f) => f.name),
    expected,
  )
})

test('a missing folder or one without batch files: NOT_ENOUGH_DATA saying where and what to do', async () => {
  for (const dir of [path.join(root, 'absent'), folder('empty', { 'other.csv': 'x' })]) {
    await assert.rejects(findBatchFiles(dir, TOPIC, S3), (error) => {
      assert.ok(isTrafficError(error, 'NOT_ENOUGH_DATA'))
      assert.ok(
        error.message.startsWith(
          `No batch files of topic city (urban_traffic_batch_city-<partition>-<first>-<last>.csv) in ${dir}`,
        ),
      )
      assert.match(error.hint ?? '', /traffic consume/)
      return true
    })
  }
})

test('a folder holding only another topic’s files names that topic', async () => {
  const dir = folder('other-topic', { [batchFileName('city.replay', 0, 0n, 99n)]: BATCH })
  await assert.rejects(findBatchFiles(dir, TOPIC, S3), (error) => {
    assert.ok(isTrafficError(error, 'NOT_ENOUGH_DATA'))
    assert.match(error.hint ?? '', /batch files of city\.replay: pass --topic/)
    return true
  })
})

test('an empty file or a foreign header is named in the error; a folder named like a batch is no batch', async () => {
  const name = batchFileName(TOPIC, 0, 0n, 0n)
  const empty = folder('zero', { [name]: '' })
  await assert.rejects(findBatchFiles(empty, TOPIC, S3), (error) => {
    assert.ok(isTrafficError(error, 'INVALID_INPUT'))
    assert.equal(error.message, `The batch file ${path.join(empty, name)} is empty`)
    return true
  })

  const foreign = folder('foreign', { [name]: 'a,b,c\n1,2,3\n' })
  await assert.rejects(findBatchFiles(foreign, TOPIC, S3), (error) => {
    assert.ok(isTrafficError(error, 'INVALID_INPUT'))
    assert.match(
      error.message,
      /urban_traffic_batch_city-0-0+-0+\.csv is not a traffic batch: expected the header/,
    )
    return true
  })

  // Batches are objects of a store: a folder is not one, as a bucket has no folders.
  const notObject = folder('not-an-object', {})
  mkdirSync(path.join(notObject, name))
  await assert.rejects(findBatchFiles(notObject, TOPIC, S3), (error) => {
    assert.ok(isTrafficError(error, 'NOT_ENOUGH_DATA'))
    return true
  })
})
