// Crash safety: the `traffic consume` process is killed with SIGKILL at random moments while it writes a
// 300k-row topic, restarted each time, and in the end every offset is in exactly one final batch file. Each kill
// waits a delay drawn from a seed the test prints; CRASH_SEED=<seed> replays the same delays.
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { it } from 'node:test'
import { Random } from '../../src/dataset/random.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { sleep } from '../fixtures/wait.ts'
import {
  type ConsumerProcess,
  clients,
  committedOffsets,
  csvLines,
  generateCsv,
  readBatches,
  scenario,
  startConsumer,
} from './helpers.ts'

const ROWS = 300_000
const KILLS = 4
const { topic, groupId, work, dir } = await scenario('crash')
const seed = process.env.CRASH_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.CRASH_SEED)
if (!Number.isSafeInteger(seed))
  throw new Error(`CRASH_SEED must be a whole number, not ${process.env.CRASH_SEED}`)
const random = new Random(seed)

function consumer(): ConsumerProcess {
  const run = startConsumer({ topic, dir, groupId }, ['--batch-size', '10000', '--idle-timeout', '3'])
  run.exited.then((code) => {
    if (code !== 0 && code !== null) process.stderr.write(run.errors())
  })
  return run
}

it(`survives ${KILLS} SIGKILLs at random moments: every offset lands in exactly one file`, async (t) => {
  t.diagnostic(`kill moments from seed ${seed} (replay them with CRASH_SEED=${seed})`)
  const csv = await generateCsv(work, ROWS, 21)
  const produced = await produceCsvToTopic(clients, {
    file: csv,
    topic,
    partitions: 1,
    rejectsFile: `${work}/r`,
  })
  assert.equal(produced.sent, ROWS)

  const killedAfter: number[] = []
  for (let kill = 0; kill < KILLS; kill++) {
    const began = performance.now()
    const run = consumer()
    // Wait until this run is writing (it has passed group join and resume), then kill it anywhere: mid-batch,
    // inside a file write, between the rename and the commit.
    while (run.files() === 0 && run.child.exitCode === null) await sleep(20)
    assert.equal(run.child.exitCode, null, 'the consumer finished before it could be killed; use more rows')
    const firstBatchSeconds = (performance.now() - began) / 1000
    // At ~300k rows/s a run consumes ~60k rows in this window: the 4 kills always land before the end.
    const delayMs = random.below(200)
    await sleep(delayMs)
    run.child.kill('SIGKILL')
    await run.exited
    killedAfter.push(run.files())
    t.diagnostic(
      `run ${kill + 1}: first file after ${firstBatchSeconds.toFixed(1)} s, killed ${delayMs} ms later, ` +
        `after ${run.files()} file(s)`,
    )
  }
  const last = consumer()
  assert.equal(await last.exited, 0)

  const batches = await readBatches(dir, topic)
  let next = 0n
  for (const batch of batches) {
    assert.equal(batch.first, next, `a file starts at ${batch.first}, expected ${next}`)
    assert.equal(
      BigInt(batch.lines.length),
      batch.last - batch.first + 1n,
      `${batch.first}: one row per offset`,
    )
    next = batch.last + 1n
  }
  assert.equal(next, BigInt(ROWS))
  assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
  assert.deepEqual(
    (await readdir(dir)).filter((name) => name.endsWith('.tmp')),
    [],
  )
  assert.equal((await committedOffsets(groupId, topic)).get(0), BigInt(ROWS))
  assert.ok(killedAfter.every((n) => n > 0))
})
