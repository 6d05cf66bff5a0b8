// `traffic consume` as a user runs it: the files it lists and its summary, and clear refusals.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { batchFileName } from '../../src/stream/batch-files.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { traffic } from '../fixtures/cli.ts'
import { clients, generateCsv, readBatches, scenario } from '../stream/helpers.ts'

const { topic, groupId: group, work } = await scenario('cli-consume')

test('writes the batch files, lists them and sums up', async () => {
  const csv = await generateCsv(work, 2_500, 4)
  await produceCsvToTopic(clients, { file: csv, topic, partitions: 1, rejectsFile: `${work}/r` })
  const dir = `${work}/batches`
  const run = await traffic([
    'consume',
    ...['--topic', topic, '--out', dir, '--group', group, '--batch-size', '1000', '--idle-timeout', '1'],
  ])
  assert.equal(run.code, 0, run.stderr)
  for (const [first, last] of [
    [0n, 999n],
    [1_000n, 1_999n],
    [2_000n, 2_499n],
  ] as const) {
    assert.ok(run.stdout.includes(`${batchFileName(topic, 0, first, last)} (`), run.stdout)
  }
  assert.match(run.stdout, /wrote 2,500 rows in 3 batch file\(s\) to .* in [\d.]+ s; 0 dead letter\(s\)/)
  assert.deepEqual(
    (await readBatches(new FolderStore(dir), topic)).map((b) => b.lines.length),
    [1000, 1000, 500],
  )
})

test('refuses a bad batch size and an unreachable broker with a clear message', async () => {
  const badFlag = await traffic(['consume', '--batch-size', '0'])
  assert.equal(badFlag.code, 1)
  assert.match(badFlag.stderr, /--batch-size .* '0' is invalid\. expected a whole number ≥ 1/)

  const noBroker = await traffic(['consume', '--out', `${work}/none`, '--idle-timeout', '1'], {
    KAFKA_PORT: '1',
  })
  assert.equal(noBroker.code, 1)
  assert.match(noBroker.stderr, /no Kafka broker answers at 127\.0\.0\.1:1/)
  for (const run of [badFlag, noBroker]) assert.doesNotMatch(run.stderr, /\n\s+at /)
})
