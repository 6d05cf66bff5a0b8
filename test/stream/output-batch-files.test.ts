import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CSV_HEADER } from '../../src/schema/csv.ts'
import { batchFileName } from '../../src/stream/batch-files.ts'
import { BatchFilesOutput } from '../../src/stream/output-batch-files.ts'

let root: string
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'output-batch-files-'))
})
after(() => rm(root, { recursive: true, force: true }))

async function output(name: string, batchSize = 3): Promise<{ out: BatchFilesOutput; dir: string }> {
  const dir = path.join(root, name)
  const out = new BatchFilesOutput({ dir, topic: 't', batchSize })
  await out.connect()
  return { out, dir }
}

describe('batch-file output', () => {
  it('cuts full batches by rows, names them by offset range, keeps dead-letter offsets inside the range', async () => {
    const { out, dir } = await output('cut')
    assert.equal(await out.recover(0), undefined)
    assert.equal(out.open(0, 0n), 0n)
    assert.equal(out.append(0, 0n, 'r0'), false)
    assert.equal(out.append(0, 1n, undefined), false)
    assert.equal(out.append(0, 2n, 'r2'), false)
    assert.equal(out.append(0, 3n, 'r3'), true)
    assert.deepEqual(await out.flush(0), {
      partition: 0,
      first: 0n,
      last: 3n,
      rows: 3,
      file: batchFileName('t', 0, 0n, 3n),
    })
    assert.equal(
      await readFile(path.join(dir, batchFileName('t', 0, 0n, 3n)), 'utf8'),
      `${CSV_HEADER}\nr0\nr2\nr3\n`,
    )
    assert.equal(await out.recover(0), 4n)
  })

  it('ignores offsets it already holds, and writes nothing for a range of dead letters only', async () => {
    const { out, dir } = await output('replay')
    out.open(0, 10n)
    out.append(0, 10n, 'a')
    assert.equal(out.expects(0, 10n), false)
    assert.equal(out.append(0, 10n, 'a'), false)
    assert.equal((await out.flush(0))?.rows, 1)
    out.append(0, 11n, undefined)
    assert.deepEqual(await out.flush(0), { partition: 0, first: 11n, last: 11n, rows: 0 })
    assert.equal(await out.flush(0), undefined)
    assert.deepEqual(await readdir(dir), [batchFileName('t', 0, 10n, 10n)])
  })

  it('resumes after the last file, deletes leftovers, and keeps an open batch only if it starts there', async () => {
    const { out, dir } = await output('resume')
    await writeFile(path.join(dir, batchFileName('t', 0, 0n, 2n)), 'x')
    await writeFile(path.join(dir, `${batchFileName('t', 0, 3n, 5n)}.999abc.tmp`), 'half')
    assert.equal(await out.recover(0), 3n)
    assert.deepEqual(await readdir(dir), [batchFileName('t', 0, 0n, 2n)])
    assert.equal(out.open(0, 3n), 3n)
    out.append(0, 3n, 'x3')
    // The partition stayed with this member through a rebalance: carry on after what it holds.
    assert.equal(out.open(0, 3n), 4n)
    // Someone else wrote further meanwhile: the open batch is dropped and reading starts there.
    assert.equal(out.open(0, 6n), 6n)
    assert.equal(out.hasPending(0), false)
    out.drop(0)
    assert.deepEqual(out.partitions(), [])
  })
})
