// Crash safety: the `traffic consume` process is killed with SIGKILL at random moments while it writes a
// 300k-row topic, restarted each time, and in the end every offset is in exactly one final batch file.
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import { it } from 'node:test'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import {
  type ConsumerProcess,
  clients,
  committedOffsets,
  csvLines,
  generateCsv,
  readBatches,
  scenario,
  sleep,
  startConsumer,
} from './helpers.ts'

const ROWS = 300_000
const KILLS = 4
const { topic, groupId, work, dir } = await scenario('crash')

function consumer(): ConsumerProcess {
  const run = startConsumer({ topic, dir, groupId }, ['--batch-size', '10000', '--idle-timeout', '3'])
  run.exited.then((code) => {
    if (code !== 0 && code !== null) process.stderr.write(run.errors())
  })
  return run
}

it(`survives ${KILLS} SIGKILLs at random moments: every offset lands in exactly one file`, async (t) => {
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
    await sleep(Math.random() * 200)
    run.child.kill('SIGKILL')
    await run.exited
    killedAfter.push(run.files())
    t.diagnostic(
      `run ${kill + 1}: first file after ${firstBatchSeconds.toFixed(1)} s, killed after ${run.files()} file(s)`,
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
