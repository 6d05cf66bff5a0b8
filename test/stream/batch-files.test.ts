import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { compareKeys } from '../../src/storage/object-store.ts'
import {
  batchFileName,
  firstGap,
  listBatchFiles,
  parseBatchFileName,
  pruneOverlaps,
} from '../../src/stream/batch-files.ts'

let dir: string
let store: FolderStore
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'batch-files-'))
  store = new FolderStore(dir)
})
after(() => rm(dir, { recursive: true, force: true }))

async function touch(...names: string[]): Promise<void> {
  for (const name of names) await writeFile(path.join(dir, name), 'x')
}

describe('batch file names', () => {
  it('carry topic, partition and offset range, and parse back (topics may hold dashes and dots)', () => {
    const name = batchFileName('urban_traffic_stream', 2, 100000n, 199999n)
    assert.equal(
      name,
      'urban_traffic_batch_urban_traffic_stream-2-0000000000000100000-0000000000000199999.csv',
    )
    assert.deepEqual(parseBatchFileName(name), {
      topic: 'urban_traffic_stream',
      partition: 2,
      first: 100000n,
      last: 199999n,
      name,
    })
    // The names written before the offsets were padded still parse.
    assert.deepEqual(parseBatchFileName('urban_traffic_batch_my-topic.v2-0-5-9.csv'), {
      topic: 'my-topic.v2',
      partition: 0,
      first: 5n,
      last: 9n,
      name: 'urban_traffic_batch_my-topic.v2-0-5-9.csv',
    })
  })

  it('sort by key as by offset, as a bucket lists them', () => {
    const names = [
      batchFileName('t', 0, 100n, 999n),
      batchFileName('t', 0, 9n, 99n),
      batchFileName('t', 0, 1_000n, 1_999n),
    ]
    assert.deepEqual(
      names.sort(compareKeys).map((name) => parseBatchFileName(name)?.first),
      [9n, 100n, 1_000n],
    )
  })

  it('ignore other files, including temporary ones', () => {
    assert.equal(parseBatchFileName('urban_traffic_batch_t-0-0-9.csv.123abc.tmp'), undefined)
    assert.equal(parseBatchFileName('notes.csv'), undefined)
  })
})

describe('batch folder', () => {
  it('lists one topic by partition and offset (old unpadded names among them), and a missing folder as empty', async () => {
    await touch(
      batchFileName('a', 1, 0n, 9n),
      batchFileName('a', 0, 10n, 19n),
      'urban_traffic_batch_a-0-0-9.csv',
      'urban_traffic_batch_a-0-20-109.csv',
      batchFileName('a-b', 0, 0n, 9n),
      batchFileName('b', 0, 0n, 9n),
    )
    const files = await listBatchFiles(store, 'a')
    assert.deepEqual(
      files.map((f) => [f.partition, f.first, f.last]),
      [
        [0, 0n, 9n],
        [0, 10n, 19n],
        [0, 20n, 109n],
        [1, 0n, 9n],
      ],
    )
    assert.equal((await listBatchFiles(store, 'a', 1)).length, 1)
    assert.deepEqual(await listBatchFiles(new FolderStore(path.join(dir, 'missing')), 'a'), [])
  })

  it('prunes a file whose range lies inside another (a partial batch written by a member that lost the partition)', async () => {
    await touch(
      batchFileName('d', 0, 0n, 99n),
      batchFileName('d', 0, 0n, 41n),
      batchFileName('d', 0, 100n, 199n),
    )
    const kept = await pruneOverlaps(store, await listBatchFiles(store, 'd'))
    assert.deepEqual(
      kept.map((f) => f.name),
      [batchFileName('d', 0, 0n, 99n), batchFileName('d', 0, 100n, 199n)],
    )
    assert.equal((await listBatchFiles(store, 'd')).length, 2)
  })

  it('of two ranges that cross, deletes the later-starting one: its offsets become a gap to read again', async () => {
    await touch(
      batchFileName('e', 0, 0n, 99n),
      batchFileName('e', 0, 50n, 149n),
      batchFileName('e', 0, 150n, 199n),
    )
    const kept = await pruneOverlaps(store, await listBatchFiles(store, 'e'))
    assert.deepEqual(
      kept.map((f) => [f.first, f.last]),
      [
        [0n, 99n],
        [150n, 199n],
      ],
    )
    assert.deepEqual(firstGap(kept, 0n), { start: 100n, end: 150n })
  })

  it('finds the first offset no file holds, from a starting point', async () => {
    const files = [
      batchFileName('g', 0, 5n, 9n),
      batchFileName('g', 0, 10n, 14n),
      batchFileName('g', 0, 20n, 29n),
    ]
      .map(parseBatchFileName)
      .filter((f) => f !== undefined)
    assert.deepEqual(firstGap(files, 0n), { start: 0n, end: 5n })
    assert.deepEqual(firstGap(files, 5n), { start: 15n, end: 20n })
    assert.deepEqual(firstGap(files, 17n), { start: 17n, end: 20n })
    assert.deepEqual(firstGap(files, 20n), { start: 30n })
    assert.deepEqual(firstGap([], 7n), { start: 7n })
  })
})
