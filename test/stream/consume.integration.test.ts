// topic → batch files on the real broker: round trip, dead letters, and two members of one group.
import assert from 'node:assert/strict'
import { readdir, rename, rm } from 'node:fs/promises'
import { describe, it } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { batchFileName } from '../../src/stream/batch-files.ts'
import { type ConsumeOptions, consumeToBatchFiles } from '../../src/stream/consume.ts'
import { DEAD_LETTER_HEADERS } from '../../src/stream/output-dead-letters.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { until } from '../fixtures/wait.ts'
import {
  type BatchContent,
  clients,
  committedOffsets,
  config,
  csvLines,
  deleteRecordsBefore,
  generateCsv,
  readBatches,
  readTopic,
  recreateTopic,
  scenario,
  sendRaw,
} from './helpers.ts'

function consumeOptions(
  s: { topic: string; groupId: string; dir: string },
  more: Partial<ConsumeOptions> = {},
) {
  return {
    topic: s.topic,
    deadLetterTopic: `${s.topic}.dlq`,
    groupId: s.groupId,
    dir: s.dir,
    batchSize: 100_000,
    idleTimeoutMs: 2_000,
    follow: false,
    partitions: 1,
    ...more,
  }
}

/** Per partition, the files must tile the offsets 0…end-1: no gap, no overlap. */
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

function assertTiles(batches: BatchContent[], ends: Map<number, bigint>): void {
  for (const [partition, end] of ends) {
    let expected = 0n
    for (const batch of batches.filter((b) => b.partition === partition)) {
      assert.equal(
        batch.first,
        expected,
        `partition ${partition}: a file starts at ${batch.first}, not ${expected}`,
      )
      expected = batch.last + 1n
    }
    assert.equal(expected, end, `partition ${partition}: files end at ${expected}, the topic at ${end}`)
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
    const batches = await readBatches(s.dir, s.topic)
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
    assert.equal((await readdir(s.dir)).filter((name) => name.endsWith('.csv')).length, 3)
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
    assertTiles(await readBatches(s.dir, s.topic), new Map(ends.map((end, partition) => [partition, end])))
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
    const batches = await readBatches(s.dir, s.topic)
    assertTiles(batches, new Map([[0, 70_000n]]))
    assert.equal((await committedOffsets(s.groupId, s.topic)).get(0), 70_000n)
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
    const [batch] = await readBatches(s.dir, s.topic)
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

  it('two consumers in one group over a 3-partition topic write every offset exactly once between them', async (t) => {
    const s = await scenario('group')
    const csv = await generateCsv(s.work, 120_000, 12)
    await clients.ensureTopic(s.topic, 3)
    const byMember: number[][] = [[], []]
    const partitionsOf = (member: number) => [...new Set(byMember[member])].sort().join(',')
    const options = (member: number) =>
      consumeOptions(s, {
        batchSize: 4_000,
        idleTimeoutMs: 3_000,
        partitions: 3,
        onBatch: (b) => byMember[member]?.push(b.partition),
      })
    // Rows arrive over ~4 s, and the second member joins while they flow: a rebalance mid-run.
    let sent = 0
    const first = consumeToBatchFiles(clients, options(0))
    const produced = produceCsvToTopic(clients, {
      file: csv,
      topic: s.topic,
      partitions: 3,
      rejectsFile: `${s.work}/r`,
      rate: 30_000,
      onProgress: (progress) => {
        sent = progress.sent
      },
    })
    await until('40,000 rows are sent', () => sent >= 40_000)
    assert.ok(sent < 120_000, 'the second member joins while rows still flow')
    const second = consumeToBatchFiles(clients, options(1))
    const [a, b] = await Promise.all([first, second, produced])

    const offsets = new Map<number, bigint>()
    for (const message of await readTopic(s.topic)) {
      offsets.set(message.partition, (offsets.get(message.partition) ?? 0n) + 1n)
    }
    assert.equal(offsets.size, 3)
    const batches = await readBatches(s.dir, s.topic)
    assertTiles(batches, offsets)
    for (const batch of batches) assert.equal(BigInt(batch.lines.length), batch.last - batch.first + 1n)
    assert.deepEqual(batches.flatMap((batch) => batch.lines).sort(), await csvLines(csv))
    t.diagnostic(`first member wrote partitions ${partitionsOf(0)}, the second ${partitionsOf(1)}`)
    assert.ok(a.rows > 0 && b.rows > 0, `both members wrote batches (${a.rows} and ${b.rows} rows)`)
    assert.equal(a.rows + b.rows, 120_000)
    assert.ok((await readdir(s.dir)).every((name) => !name.endsWith('.tmp')))
    const committed = await committedOffsets(s.groupId, s.topic)
    for (const [partition, end] of offsets) assert.equal(committed.get(partition), end)
  })

  it('a deleted batch file is read again from the topic, in files cut where the next one begins', async () => {
    const s = await scenario('deleted-file')
    const csv = await generateCsv(s.work, 30_000, 14)
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile: `${s.work}/r` })
    await consumeToBatchFiles(clients, consumeOptions(s, { batchSize: 10_000, idleTimeoutMs: 1_000 }))
    await rm(`${s.dir}/${batchFileName(s.topic, 0, 10_000n, 19_999n)}`)

    const again = await consumeToBatchFiles(
      clients,
      consumeOptions(s, { batchSize: 7_000, idleTimeoutMs: 1_000 }),
    )
    assert.equal(again.rows, 10_000, 'exactly the missing range was read again')
    const batches = await readBatches(s.dir, s.topic)
    assert.deepEqual(
      batches.map((b) => [b.first, b.last]),
      [
        [0n, 9_999n],
        [10_000n, 16_999n],
        [17_000n, 19_999n],
        [20_000n, 29_999n],
      ],
    )
    assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
  })

  it('refuses batch files of a deleted and recreated topic of the same name, and reads the new topic whole once they are moved away', async () => {
    const s = await scenario('recreated')
    const csv = await generateCsv(s.work, 3_000, 15)
    const rejectsFile = `${s.work}/r`
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile, limit: 1_000 })
    await consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 }))
    await recreateTopic(s.topic, 1)
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile })

    await assert.rejects(
      consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 })),
      /read from an earlier topic of that name.*deleted and recreated/,
    )
    await rename(s.dir, `${s.work}/old-batches`)
    const fresh = await consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 }))
    assert.equal(fresh.rows, 3_000)
    const batches = await readBatches(s.dir, s.topic)
    assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
  })

  it('reports the offsets retention deleted before they were read, and writes the rest', async () => {
    const s = await scenario('retention')
    const csv = await generateCsv(s.work, 3_000, 16)
    const rejectsFile = `${s.work}/r`
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile, limit: 1_000 })
    await consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 }))
    await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile })
    await deleteRecordsBefore(s.topic, 0, 1_500n)

    const warnings: string[] = []
    const stats = await consumeToBatchFiles(
      clients,
      consumeOptions(s, { idleTimeoutMs: 1_000, onWarning: (w) => warnings.push(w) }),
    )
    assert.equal(stats.missingOffsets, 500)
    assert.equal(stats.rows, 2_500)
    assert.equal(warnings.length, 1)
    assert.match(warnings[0] ?? '', /500 offset\(s\) before 1500 were deleted by retention/)
    const batches = await readBatches(s.dir, s.topic)
    assert.deepEqual(
      batches.map((b) => [b.first, b.last]),
      [
        [0n, 999n],
        [1_500n, 3_999n],
      ],
    )
  })
})
