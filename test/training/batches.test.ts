// The checks made before Spark sees the files (no engine needed); what Spark itself rejects is tested in
// test/cli/train.integration.test.ts.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { CSV_HEADER } from '../../src/schema/csv.ts'
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

test('finds the final batch files, sorted, ignoring temp files and other names', async () => {
  const dir = folder('ok', {
    'urban_traffic_batch_0-100-199.csv': `${CSV_HEADER}\n${ROW}\n`,
    'urban_traffic_batch_0-0-99.csv': `${CSV_HEADER}\n${ROW}\n`,
    'urban_traffic_batch_0-200-299.csv.tmp': 'partial',
    'notes.txt': 'x',
  })
  assert.deepEqual(
    (await findBatchFiles(dir)).map((f) => path.basename(f)),
    ['urban_traffic_batch_0-0-99.csv', 'urban_traffic_batch_0-100-199.csv'],
  )
})

test('a missing folder or one without batch files: NOT_ENOUGH_DATA saying where and what to do', async () => {
  for (const dir of [path.join(root, 'absent'), folder('empty', { 'other.csv': 'x' })]) {
    await assert.rejects(findBatchFiles(dir), (error) => {
      assert.ok(isTrafficError(error, 'NOT_ENOUGH_DATA'))
      assert.match(error.message, /No batch files \(urban_traffic_batch_\*\.csv\) in .*/)
      assert.ok(error.message.includes(dir))
      assert.match(error.hint ?? '', /traffic consume/)
      return true
    })
  }
})

test('an empty file, a foreign header or an unreadable entry is named in the error', async () => {
  const empty = folder('zero', { 'urban_traffic_batch_1.csv': '' })
  await assert.rejects(findBatchFiles(empty), /The batch file .*urban_traffic_batch_1\.csv is empty/)

  const foreign = folder('foreign', { 'urban_traffic_batch_1.csv': 'a,b,c\n1,2,3\n' })
  await assert.rejects(findBatchFiles(foreign), (error) => {
    assert.ok(isTrafficError(error, 'INVALID_INPUT'))
    assert.match(error.message, /urban_traffic_batch_1\.csv is not a traffic batch: expected the header/)
    return true
  })

  const unreadable = folder('unreadable', {})
  mkdirSync(path.join(unreadable, 'urban_traffic_batch_1.csv'))
  await assert.rejects(findBatchFiles(unreadable), (error) => {
    assert.ok(isTrafficError(error, 'IO_ERROR'))
    assert.match(error.message, /Cannot read the batch file .*urban_traffic_batch_1\.csv \(EISDIR\)/)
    return true
  })
})
