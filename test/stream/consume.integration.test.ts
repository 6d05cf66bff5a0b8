// topic → batch files on the real broker: round trip, draining, lost commits, dead letters. The invariants that
// must hold on every batch store run in batch-invariants.ts.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { listBatchFiles } from '../../src/stream/batch-files.ts'
import { consumeToBatchFiles } from '../../src/stream/consume.ts'
import { DEAD_LETTER_HEADERS } from '../../src/stream/output-dead-letters.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import {
  assertTiles,
  clients,
  committedOffsets,
  config,
  consumeOptions,
  csvLines,
  generateCsv,
  readBatches,
  readTopic,
  scenario,
  sendRaw,
} from './helpers.ts'

async function rewindGroup(groupId: string, topic: string, offset: bigint): Promise<void> {
  const admin = new Admin({ clientId: 'test-rewind', bootstrapBrokers: config.kafka.brokers })
  try {
    await admin.alterConsumerGroupOffsets({
      groupId,
      topics: [{ name: topic, partitionOffsets: [{ partition: 0, offset }] }],
    })
  } finally {
    await admin.close()
  }
}

describe('consume: topic → batch files', () => {
  it('round trip: N generated rows land in the batch files exactly once, in batches of the right size', async () => {
    const s = await scenario('roundtrip')
    const csv = await generateCsv(s.work, 250_000, 11)
    const produced = await produceCsvToTopic(clients, {
      file: csv,
      topic: s.topic,
      partitions: 1,
      rejectsFile: `${s.work}/r`,
    })
    assert.equal(produced.sent, 250_000)

    const written: number[] = []
    const stats = await consumeToBatchFiles(
      clients,
      consumeOptions(s, { onBatch: (b) => written.push(b.rows) }),
    )
    const batches = await readBatches(s.store, s.topic)
    assert.deepEqual(
      batches.map((b) => b.lines.length),
      [100_000, 100_000, 50_000],
    )
    assert.deepEqual(written, [100_000, 100_000, 50_000])
    assertTiles(batches, new Map([[0, 250_000n]]))
    assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
    assert.equal(stats.rows, 250_000)
    assert.equal((await committedOffsets(s.groupId, s.topic)).get(0), 250_000n)

    // A second run finds nothing new: the last partial batch was written exactly once.
    const again = await consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 }))
    assert.equal(again.rows, 0)
    assert.equal((await listBatchFiles(s.store, s.topic)).length, 3)
  })

  it('given the end offsets (drainTo), a run ends once every partition is read up to them, not after the idle wait', {
    timeout: 120_000,
  }, async () => {
    const s = await scenario('drain')
    const csv = await generateCsv(s.work, 30_000, 12)
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 3, rejectsFile: `${s.work}/r` })
    const ends = await clients.endOffsets(s.topic)
    assert.equal(ends.length, 3)
    assert.equal(
      ends.reduce((sum, end) => sum + end, 0n),
      30_000n,
    )
    // An idle wait of 10 minutes: only the end offsets can end these runs within the test's timeout.
    const draining = consumeOptions(s, { partitions: 3, idleTimeoutMs: 600_000, drainTo: ends })
    const stats = await consumeToBatchFiles(clients, draining)
    assert.equal(stats.rows, 30_000)
    assertTiles(await readBatches(s.store, s.topic), new Map(ends.map((end, partition) => [partition, end])))
    // Everything is in the files already: the next run ends at once, with nothing to write.
    assert.equal((await consumeToBatchFiles(clients, draining)).rows, 0)
  })

  it('resumes from the files when commits were lost (a crash between rename and commit)', async () => {
    const s = await scenario('lost-commit')
    const csv = await generateCsv(s.work, 40_000, 13)
    const rejectsFile = `${s.work}/r`
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile, limit: 30_000 })
    await consumeToBatchFiles(clients, consumeOptions(s, { batchSize: 10_000, idleTimeoutMs: 1_000 }))
    // Roll the group back as if the commits of the last two files never reached the broker.
    await rewindGroup(s.groupId, s.topic, 10_000n)
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile })

    const resumed = await consumeToBatchFiles(
      clients,
      consumeOptions(s, { batchSize: 10_000, idleTimeoutMs: 1_000 }),
    )
    assert.equal(resumed.rows, 40_000, 'only the new rows were read')
    const batches = await readBatches(s.store, s.topic)
    assertTiles(batches, new Map([[0, 70_000n]]))
    assert.equal((await committedOffsets(s.groupId, s.topic)).get(0), 70_000n)
  })

  it('commits past the batches already written when a commit was lost and nothing is left to read', async () => {
    const s = await scenario('lost-last-commit')
    const csv = await generateCsv(s.work, 30_000, 18)
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile: `${s.work}/r` })
    await consumeToBatchFiles(clients, consumeOptions(s, { batchSize: 10_000, idleTimeoutMs: 1_000 }))
    // As if the member that wrote the last two batches lost the partition before its commits went through.
    await rewindGroup(s.groupId, s.topic, 10_000n)

    const again = await consumeToBatchFiles(
      clients,
      consumeOptions(s, { batchSize: 10_000, idleTimeoutMs: 1_000 }),
    )
    assert.equal(again.rows, 0, 'the batches were not written again')
    assert.equal((await committedOffsets(s.groupId, s.topic)).get(0), 30_000n)
  })

  it('bad messages go to the dead-letter topic with their reason and source; the good ones around them all land', async () => {
    const s = await scenario('dlq')
    await clients.ensureTopic(s.topic, 1)
    const good = (i: number) =>
      JSON.stringify({
        City: 'AquaCity',
        'Vehicle Type': 'Drone',
        Weather: 'Clear',
        'Economic Condition': 'Stable',
        'Day Of Week': 'Monday',
        'Hour Of Day': i % 24,
        Speed: 40 + i,
        'Is Peak Hour': 0,
        'Random Event Occurred': 1,
        'Energy Consumption': 20.5,
        'Traffic Density': 0.25,
      })
    const goodRow = JSON.parse(good(0))
    const bad: [string | null, RegExp][] = [
      ['this is not JSON', /not valid JSON/],
      [null, /empty message/],
      ['[1,2,3]', /expected a JSON object/],
      ['"just a string"', /expected a JSON object/],
      [JSON.stringify({ ...goodRow, Speed: undefined }), /Speed is missing/],
      [
        JSON.stringify({ ...goodRow, 'Hour Of Day': '7' }),
        /Hour Of Day must be an integer 0–23 \(got a string/,
      ],
      [JSON.stringify({ ...goodRow, 'Hour Of Day': 24 }), /Hour Of Day must be an integer 0–23 \(got 24\)/],
      [JSON.stringify({ ...goodRow, 'Is Peak Hour': 2 }), /Is Peak Hour must be 0 or 1/],
      [
        JSON.stringify({ ...goodRow, 'Traffic Density': -0.1 }),
        /Traffic Density must be a finite number ≥ 0/,
      ],
      [JSON.stringify({ ...goodRow, City: 'Atlantis' }), /City must be one of/],
    ]
    // good, bad, good, bad, …, good: every bad message sits between two good ones.
    const values: { partition: number; value: string | null }[] = [{ partition: 0, value: good(0) }]
    bad.forEach(([value], i) => {
      values.push({ partition: 0, value }, { partition: 0, value: good(i + 1) })
    })
    await sendRaw(s.topic, values)

    const stats = await consumeToBatchFiles(clients, consumeOptions(s))
    assert.equal(stats.deadLetters, bad.length)
    assert.equal(stats.rows, bad.length + 1)
    const [batch] = await readBatches(s.store, s.topic)
    assert.equal(batch?.lines.length, bad.length + 1)
    assert.deepEqual([batch?.first, batch?.last], [0n, BigInt(values.length - 1)])

    const letters = await readTopic(`${s.topic}.dlq`)
    assert.equal(letters.length, bad.length)
    letters.forEach((letter, i) => {
      const [value, reason] = bad[i] as [string | null, RegExp]
      assert.equal(letter.value?.toString() ?? null, value === null ? null : value)
      assert.match(letter.headers.get(DEAD_LETTER_HEADERS.reason) ?? '', reason)
      assert.equal(letter.headers.get(DEAD_LETTER_HEADERS.topic), s.topic)
      assert.equal(letter.headers.get(DEAD_LETTER_HEADERS.partition), '0')
      assert.equal(letter.headers.get(DEAD_LETTER_HEADERS.offset), String(2 * i + 1))
    })
  })
})
