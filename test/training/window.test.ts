import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type BatchFile, batchFileName } from '../../src/stream/batch-files.ts'
import { newestFiles } from '../../src/training/window.ts'

function file(partition: number, first: number, last: number): BatchFile {
  const [f, l] = [BigInt(first), BigInt(last)]
  return { topic: 't', partition, first: f, last: l, name: batchFileName('t', partition, f, l) }
}

const names = (files: BatchFile[]) => files.map((f) => `${f.partition}:${f.first}`)

test('one partition: the newest files, whole, until they hold the window', () => {
  const files = [file(0, 0, 99), file(0, 100, 199), file(0, 200, 299), file(0, 300, 349)]
  assert.deepEqual(names(newestFiles(files, 50)), ['0:300'])
  assert.deepEqual(names(newestFiles(files, 51)), ['0:200', '0:300'])
  assert.deepEqual(names(newestFiles(files, 150)), ['0:200', '0:300'])
  assert.deepEqual(names(newestFiles(files, 10_000)), ['0:0', '0:100', '0:200', '0:300'])
})

test('several partitions take turns, so each contributes its newest rows alike', () => {
  // Partition 1 is further along in offsets; that says nothing about time across partitions.
  const files = [
    file(0, 0, 99),
    file(0, 100, 199),
    file(0, 200, 299),
    file(1, 5000, 5099),
    file(1, 5100, 5199),
  ]
  assert.deepEqual(names(newestFiles(files, 200)), ['0:200', '1:5100'])
  assert.deepEqual(names(newestFiles(files, 300)), ['0:100', '0:200', '1:5100'])
  assert.deepEqual(names(newestFiles(files, 400)), ['0:100', '0:200', '1:5000', '1:5100'])
})

test('no files, no window', () => {
  assert.deepEqual(newestFiles([], 100), [])
})
