// The consumer's exactly-once invariants, one suite run against every batch store (a folder, and a bucket on
// S3Proxy): exact rows under SIGKILLs, overlap between members resolved, a deleted object read again, a recreated
// topic refused, a retention gap reported, header-only objects for ranges of dead letters only.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CSV_HEADER } from '../../src/contract/csv.ts'
import { Random } from '../../src/dataset/random.ts'
import { batchFileName, listBatchFiles, readOrigin } from '../../src/stream/batch-files.ts'
import { consumeToBatchFiles } from '../../src/stream/consume.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { sleep, until } from '../fixtures/wait.ts'
import {
  assertTiles,
  type BatchStorage,
  type ConsumerProcess,
  clients,
  committedOffsets,
  consumeOptions,
  csvLines,
  deleteRecordsBefore,
  generateCsv,
  readBatches,
  readTopic,
  recreateTopic,
  type Scenario,
  scenario,
  sendRaw,
  startConsumer,
} from './helpers.ts'

const CRASH_ROWS = 300_000
const KILLS = 4

/** The scenario's batch objects cover exactly `ranges` (first, last offset) and hold exactly the rows of `csv`. */
async function assertObjects(s: Scenario, ranges: [bigint, bigint][], csv: string): Promise<void> {
  const batches = await readBatches(s.store, s.topic)
  assert.deepEqual(
    batches.map((b) => [b.first, b.last]),
    ranges,
  )
  assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
}

/** Produces 3,000 generated rows to the scenario's topic, and consumes the first 1,000 of them into objects. */
async function consumeFirstThousand(
  s: Scenario,
  seed: number,
): Promise<{ csv: string; rejectsFile: string }> {
  const csv = await generateCsv(s.work, 3_000, seed)
  const rejectsFile = `${s.work}/r`
  await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile, limit: 1_000 })
  await consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 }))
  return { csv, rejectsFile }
}

/** `storage` is called inside each test: a server it needs may start only once the file's hooks have run. */
export function batchInvariants(name: string, storage: () => BatchStorage): void {
  describe(`exactly-once batches on ${name}`, () => {
    // Each kill waits a delay drawn from a seed the test prints; CRASH_SEED=<seed> replays the same delays.
    it(`${name}: survives ${KILLS} SIGKILLs of \`traffic consume\` at random moments: every offset in exactly one object`, async (t) => {
      const seed =
        process.env.CRASH_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.CRASH_SEED)
      if (!Number.isSafeInteger(seed))
        throw new Error(`CRASH_SEED must be a whole number, not ${process.env.CRASH_SEED}`)
      const random = new Random(seed)
      t.diagnostic(`kill moments from seed ${seed} (replay them with CRASH_SEED=${seed})`)
      const s = await scenario('crash', storage())
      const consumer = (): ConsumerProcess => {
        const run = startConsumer(s, ['--batch-size', '10000', '--idle-timeout', '3'])
        run.exited.then((code) => {
          if (code !== 0 && code !== null) process.stderr.write(run.errors())
        })
        return run
      }
      const csv = await generateCsv(s.work, CRASH_ROWS, 21)
      const produced = await produceCsvToTopic(clients, {
        file: csv,
        topic: s.topic,
        partitions: 1,
        rejectsFile: `${s.work}/r`,
      })
      assert.equal(produced.sent, CRASH_ROWS)

      for (let kill = 0; kill < KILLS; kill++) {
        const run = consumer()
        // Wait until this run is writing (it has passed group join and resume), then kill it anywhere: mid-batch,
        // inside an object write, between the write and the commit.
        await until(
          'the consumer wrote its first object',
          () => run.files() > 0 || run.child.exitCode !== null,
        )
        assert.equal(
          run.child.exitCode,
          null,
          'the consumer finished before it could be killed; use more rows',
        )
        const delayMs = random.below(200)
        await sleep(delayMs)
        run.child.kill('SIGKILL')
        await run.exited
        t.diagnostic(
          `run ${kill + 1}: killed ${delayMs} ms after its first object, after ${run.files()} object(s)`,
        )
      }
      const last = consumer()
      assert.equal(await last.exited, 0)

      const batches = await readBatches(s.store, s.topic)
      assertTiles(batches, new Map([[0, BigInt(CRASH_ROWS)]]))
      for (const batch of batches) {
        assert.equal(
          BigInt(batch.lines.length),
          batch.last - batch.first + 1n,
          `${batch.first}: one row per offset`,
        )
      }
      assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
      assert.equal((await committedOffsets(s.groupId, s.topic)).get(0), BigInt(CRASH_ROWS))
    })

    it(`${name}: an object a stale member cut elsewhere is pruned where it crosses, and the gaps it leaves are read again`, async () => {
      const s = await scenario('overlap', storage())
      const csv = await generateCsv(s.work, 3_000, 17)
      await produceCsvToTopic(clients, {
        file: csv,
        topic: s.topic,
        partitions: 1,
        rejectsFile: `${s.work}/r`,
      })
      await consumeToBatchFiles(clients, consumeOptions(s, { batchSize: 1_000, idleTimeoutMs: 1_000 }))
      const rows = (await readBatches(s.store, s.topic)).flatMap((b) => b.lines)
      // What a member that lost the partition without knowing it leaves: 1000–1999 written by it, then deleted
      // by someone; its own 1500–2499 crossing the 2000–2999 of the member that took over.
      await s.store.delete(batchFileName(s.topic, 0, 1_000n, 1_999n))
      const stale = [CSV_HEADER, ...rows.slice(1_500, 2_500), ''].join('\n')
      assert.equal(await s.store.createIfAbsent(batchFileName(s.topic, 0, 1_500n, 2_499n), stale), true)

      const again = await consumeToBatchFiles(
        clients,
        consumeOptions(s, { batchSize: 1_000, idleTimeoutMs: 1_000 }),
      )
      assert.equal(
        again.rows,
        1_000,
        'the offsets only the pruned object held, and the deleted ones, are read again',
      )
      await assertObjects(
        s,
        [
          [0n, 999n],
          [1_000n, 1_499n],
          [1_500n, 2_499n],
          [2_500n, 2_999n],
        ],
        csv,
      )
    })

    it(`${name}: a range of dead letters only becomes a header-only object, so the objects still tile the offsets`, async () => {
      const s = await scenario('dead-only', storage())
      await clients.ensureTopic(s.topic, 1)
      await sendRaw(s.topic, [
        { partition: 0, value: 'not JSON' },
        { partition: 0, value: null },
      ])
      const stats = await consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 }))
      assert.equal(stats.deadLetters, 2)
      const [only, ...rest] = await listBatchFiles(s.store, s.topic)
      assert.deepEqual([only?.first, only?.last, rest.length], [0n, 1n, 0])
      assert.equal((await s.store.get(only?.name ?? ''))?.body.toString(), `${CSV_HEADER}\n`)
      assert.equal((await readOrigin(s.store, s.topic, 0))?.first, 0n)
      assert.equal((await readTopic(`${s.topic}.dlq`)).length, 2)
    })

    it(`${name}: two consumers in one group over a 3-partition topic write every offset exactly once between them`, async (t) => {
      const s = await scenario('group', storage())
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
      // Rows arrive over ~4 s, and the second member joins while they flow: a rebalance mid-run. The first member
      // starts once they flow: on a loaded machine the producer may take longer to start than its idle timeout.
      let sent = 0
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
      await until('the first rows are sent', () => sent > 0)
      const first = consumeToBatchFiles(clients, options(0))
      await until('40,000 rows are sent', () => sent >= 40_000)
      assert.ok(sent < 120_000, 'the second member joins while rows still flow')
      const second = consumeToBatchFiles(clients, options(1))
      const [a, b] = await Promise.all([first, second, produced])

      const offsets = new Map<number, bigint>()
      for (const message of await readTopic(s.topic)) {
        offsets.set(message.partition, (offsets.get(message.partition) ?? 0n) + 1n)
      }
      assert.equal(offsets.size, 3)
      const batches = await readBatches(s.store, s.topic)
      assertTiles(batches, offsets)
      for (const batch of batches) assert.equal(BigInt(batch.lines.length), batch.last - batch.first + 1n)
      assert.deepEqual(batches.flatMap((batch) => batch.lines).sort(), await csvLines(csv))
      t.diagnostic(`first member wrote partitions ${partitionsOf(0)}, the second ${partitionsOf(1)}`)
      assert.ok(a.rows > 0 && b.rows > 0, `both members wrote batches (${a.rows} and ${b.rows} rows)`)
      assert.equal(a.rows + b.rows, 120_000)
      const committed = await committedOffsets(s.groupId, s.topic)
      for (const [partition, end] of offsets) assert.equal(committed.get(partition), end)
    })

    it(`${name}: a deleted batch object is read again from the topic, in objects cut where the next one begins`, async () => {
      const s = await scenario('deleted-file', storage())
      const csv = await generateCsv(s.work, 30_000, 14)
      await produceCsvToTopic(clients, {
        file: csv,
        topic: s.topic,
        partitions: 1,
        rejectsFile: `${s.work}/r`,
      })
      await consumeToBatchFiles(clients, consumeOptions(s, { batchSize: 10_000, idleTimeoutMs: 1_000 }))
      await s.store.delete(batchFileName(s.topic, 0, 10_000n, 19_999n))

      const again = await consumeToBatchFiles(
        clients,
        consumeOptions(s, { batchSize: 7_000, idleTimeoutMs: 1_000 }),
      )
      assert.equal(again.rows, 10_000, 'exactly the missing range was read again')
      await assertObjects(
        s,
        [
          [0n, 9_999n],
          [10_000n, 16_999n],
          [17_000n, 19_999n],
          [20_000n, 29_999n],
        ],
        csv,
      )
    })

    it(`${name}: refuses batch objects of a deleted and recreated topic of the same name, and reads the new topic whole once they are moved away`, async () => {
      const s = await scenario('recreated', storage())
      const { csv, rejectsFile } = await consumeFirstThousand(s, 15)
      await recreateTopic(s.topic, 1)
      await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile })

      await assert.rejects(
        consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 })),
        /read from an earlier topic of that name.*deleted and recreated/,
      )
      // Only the objects go: the origin record of the old topic stays, and the first new object replaces it.
      for (const file of await listBatchFiles(s.store, s.topic)) await s.store.delete(file.name)
      const fresh = await consumeToBatchFiles(clients, consumeOptions(s, { idleTimeoutMs: 1_000 }))
      assert.equal(fresh.rows, 3_000)
      const batches = await readBatches(s.store, s.topic)
      assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
    })

    it(`${name}: reports the offsets retention deleted before they were read, and writes the rest`, async () => {
      const s = await scenario('retention', storage())
      const { csv, rejectsFile } = await consumeFirstThousand(s, 16)
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
      const batches = await readBatches(s.store, s.topic)
      assert.deepEqual(
        batches.map((b) => [b.first, b.last]),
        [
          [0n, 999n],
          [1_500n, 3_999n],
        ],
      )
    })
  })
}
