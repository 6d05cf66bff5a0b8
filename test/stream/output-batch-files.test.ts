import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CSV_HEADER } from '../../src/contract/csv.ts'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { batchFileName, readOrigin } from '../../src/stream/batch-files.ts'
import { BatchFilesOutput } from '../../src/stream/output-batch-files.ts'

let root: string
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'output-batch-files-'))
})
after(() => rm(root, { recursive: true, force: true }))

async function output(
  name: string,
  options: { batchSize?: number; topicId?: string } = {},
): Promise<{ out: BatchFilesOutput; dir: string; store: FolderStore }> {
  const dir = path.join(root, name)
  const store = new FolderStore(dir)
  const out = new BatchFilesOutput({
    store,
    topic: 't',
    topicId: options.topicId ?? 'id-1',
    batchSize: options.batchSize ?? 3,
  })
  return { out, dir, store }
}

/** The batch files in a folder (the hidden origin files left out). */
async function batchNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => !name.startsWith('.')).sort()
}

/** Appends rows r<offset> for the offsets first..last, flushing full batches; returns the files written. */
async function feed(out: BatchFilesOutput, first: bigint, last: bigint): Promise<string[]> {
  const files: string[] = []
  for (let offset = first; offset <= last; offset++) {
    if (!out.expects(0, offset)) continue
    if (out.append(0, offset, Buffer.from(`r${offset}`))) files.push((await out.flush(0))?.file ?? '')
  }
  return files
}

describe('batch-file output', () => {
  it('cuts full batches by rows, names them by offset range, keeps dead-letter offsets inside the range', async () => {
    const { out, dir, store } = await output('cut')
    assert.deepEqual(await out.resume(0, { earliest: 0n }), { from: 0n, stored: 0n, missing: 0n })
    assert.equal(out.append(0, 0n, Buffer.from('r0')), false)
    assert.equal(out.append(0, 1n, undefined), false)
    assert.equal(out.append(0, 2n, Buffer.from('r2')), false)
    assert.equal(out.append(0, 3n, Buffer.from('r3')), true)
    assert.deepEqual(await out.flush(0), {
      partition: 0,
      first: 0n,
      last: 3n,
      rows: 3,
      file: batchFileName('t', 0, 0n, 3n),
      created: true,
      next: 4n,
    })
    assert.equal(
      await readFile(path.join(dir, batchFileName('t', 0, 0n, 3n)), 'utf8'),
      `${CSV_HEADER}\nr0\nr2\nr3\n`,
    )
    assert.deepEqual(await readOrigin(store, 't', 0), { topicId: 'id-1', first: 0n })
    assert.deepEqual(await out.resume(0, { earliest: 0n, committed: 2n }), {
      from: 4n,
      stored: 4n,
      missing: 0n,
    })
  })

  it('ignores offsets it already holds, and writes a header-only file for a range of dead letters only', async () => {
    const { out, dir } = await output('replay')
    await out.resume(0, { earliest: 0n, committed: 10n })
    out.append(0, 10n, Buffer.from('a'))
    assert.equal(out.expects(0, 10n), false)
    assert.equal(out.append(0, 10n, Buffer.from('a')), false)
    assert.equal((await out.flush(0))?.rows, 1)
    out.append(0, 11n, undefined)
    assert.equal((await out.flush(0))?.rows, 0)
    assert.equal(await readFile(path.join(dir, batchFileName('t', 0, 11n, 11n)), 'utf8'), `${CSV_HEADER}\n`)
    assert.equal(await out.flush(0), undefined)
    assert.deepEqual(await batchNames(dir), [
      batchFileName('t', 0, 10n, 10n),
      batchFileName('t', 0, 11n, 11n),
    ])
  })

  it('says when the object of a batch was there already: another member wrote the same range first', async () => {
    const { out: first } = await output('same-range')
    const { out: second } = await output('same-range')
    for (const out of [first, second]) {
      await out.resume(0, { earliest: 0n })
      for (const offset of [0n, 1n, 2n]) out.append(0, offset, Buffer.from(`r${offset}`))
    }
    assert.equal((await first.flush(0))?.created, true)
    assert.deepEqual(await second.flush(0), {
      partition: 0,
      first: 0n,
      last: 2n,
      rows: 3,
      file: batchFileName('t', 0, 0n, 2n),
      created: false,
      next: 3n,
    })
  })

  it('resumes after the last file, and keeps an open batch only if it starts there', async () => {
    const { out, store } = await output('resume')
    await store.createIfAbsent(batchFileName('t', 0, 0n, 2n), 'x')
    assert.deepEqual(await out.resume(0, { earliest: 0n }), { from: 3n, stored: 3n, missing: 0n })
    out.append(0, 3n, Buffer.from('x3'))
    // The partition stayed with this member through a rebalance: carry on after what it holds, which is not stored.
    assert.deepEqual(await out.resume(0, { earliest: 0n }), { from: 4n, stored: 3n, missing: 0n })
    // Someone else wrote further meanwhile: the open batch is dropped and reading starts there.
    await store.createIfAbsent(batchFileName('t', 0, 3n, 5n), 'x')
    assert.equal((await out.resume(0, { earliest: 0n })).from, 6n)
    assert.equal(out.hasPending(0), false)
    out.drop(0)
    assert.deepEqual(out.partitions(), [])
  })

  it('reads a deleted file again, in batches cut where the next file begins, then goes on after the last file', async () => {
    const { out, dir } = await output('gap')
    await out.resume(0, { earliest: 0n })
    await feed(out, 0n, 8n)
    await rm(path.join(dir, batchFileName('t', 0, 3n, 5n)))
    const { out: again } = await output('gap', { batchSize: 2 })
    assert.deepEqual(await again.resume(0, { earliest: 0n, committed: 9n }), {
      from: 3n,
      stored: 3n,
      missing: 0n,
    })
    const refill = await feed(again, 3n, 5n)
    assert.deepEqual(refill, [batchFileName('t', 0, 3n, 4n), batchFileName('t', 0, 5n, 5n)])
    assert.equal(again.expects(0, 6n), false, 'offsets 6..8 are in a file already')
    assert.equal(again.expects(0, 9n), true)
  })

  it('refills a deleted first file from the origin the folder recorded', async () => {
    const { out, dir } = await output('first-gap')
    await out.resume(0, { earliest: 0n })
    await feed(out, 0n, 5n)
    await rm(path.join(dir, batchFileName('t', 0, 0n, 2n)))
    const { out: again } = await output('first-gap')
    assert.deepEqual(await again.resume(0, { earliest: 0n, committed: 6n }), {
      from: 0n,
      stored: 0n,
      missing: 0n,
    })
  })

  it('reads everything again when every file of the partition was deleted, from where the folder began', async () => {
    const { out, dir } = await output('all-deleted')
    await out.resume(0, { earliest: 0n, committed: 4n })
    await feed(out, 4n, 9n)
    for (const name of await batchNames(dir)) await rm(path.join(dir, name))
    const { out: again } = await output('all-deleted')
    assert.deepEqual(await again.resume(0, { earliest: 0n, committed: 10n }), {
      from: 4n,
      stored: 4n,
      missing: 0n,
    })
  })

  it('counts the offsets retention deleted before they were written, and starts at the first one left', async () => {
    const { out, dir } = await output('retention')
    await out.resume(0, { earliest: 0n })
    await feed(out, 0n, 2n)
    const { out: again } = await output('retention')
    assert.deepEqual(await again.resume(0, { earliest: 10n, committed: 3n }), {
      from: 10n,
      stored: 10n,
      missing: 7n,
    })
    assert.deepEqual(await batchNames(dir), [batchFileName('t', 0, 0n, 2n)])
  })

  it('refuses files read from an earlier topic of the same name, and ignores that topic once its files are gone', async () => {
    const { out, dir, store } = await output('recreated')
    await out.resume(0, { earliest: 0n })
    await feed(out, 0n, 2n)
    const { out: recreated } = await output('recreated', { topicId: 'id-2' })
    await assert.rejects(recreated.resume(0, { earliest: 0n }), /earlier topic of that name.*id-1.*id-2/)
    await rm(path.join(dir, batchFileName('t', 0, 0n, 2n)))
    assert.deepEqual(await recreated.resume(0, { earliest: 0n }), { from: 0n, stored: 0n, missing: 0n })
    await feed(recreated, 0n, 2n)
    assert.deepEqual(await readOrigin(store, 't', 0), { topicId: 'id-2', first: 0n })
  })

  it('takes an object already at the batch key as written: another member wrote the same offsets, the same bytes', async () => {
    const { out, dir, store } = await output('written-by-another')
    await out.resume(0, { earliest: 0n })
    const key = batchFileName('t', 0, 0n, 2n)
    assert.equal(await store.createIfAbsent(key, `${CSV_HEADER}\nr0\nr1\nr2\n`), true)
    assert.deepEqual(await feed(out, 0n, 2n), [key])
    assert.equal(out.expects(0, 3n), true)
    assert.deepEqual(await batchNames(dir), [key])
  })

  it('stops, naming the folder, when the folder is deleted under it, instead of filling a new one', async () => {
    const { out, dir } = await output('folder-deleted')
    await out.resume(0, { earliest: 0n })
    await feed(out, 0n, 2n)
    await rm(dir, { recursive: true })
    out.append(0, 3n, Buffer.from('r3'))
    await assert.rejects(
      out.flush(0),
      new RegExp(`the batches at ${dir} were deleted .*origin record of t partition 0 is gone`),
    )
    await assert.rejects(out.resume(0, { earliest: 0n, committed: 3n }), /were deleted/)
  })
})
