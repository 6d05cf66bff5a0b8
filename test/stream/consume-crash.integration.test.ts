// Crash safety: the `traffic consume` process is killed with SIGKILL at random moments while it writes a
// 300k-row topic, restarted each time, and in the end every offset is in exactly one final batch file.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { readdir } from 'node:fs/promises'
import { after, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import {
  cleanUp,
  clients,
  committedOffsets,
  csvLines,
  generateCsv,
  readBatches,
  tempDir,
  unique,
} from './helpers.ts'

const ROWS = 300_000
const KILLS = 4
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url))

const topic = unique('crash')
const groupId = unique('crash-group')
const work = await tempDir('crash')
const dir = `${work}/batches`
after(() => cleanUp({ topics: [topic, `${topic}.dlq`], groups: [groupId], dirs: [work] }))

function startConsumer(): { child: ChildProcess; batches: () => number; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, 'consume', '--topic', topic, '--out', dir, '--group', groupId].concat([
      '--batch-size',
      '10000',
      '--idle-timeout',
      '3',
    ]),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let written = 0
  let errors = ''
  child.stdout?.on('data', (chunk: Buffer) => {
    written += chunk
      .toString()
      .split('\n')
      .filter((line) => line.includes('rows)')).length
  })
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(errors)
      resolve(code)
    }),
  )
  return { child, batches: () => written, exited }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

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
    const run = startConsumer()
    // Wait until this run is writing (it has passed group join and resume), then kill it anywhere: mid-batch,
    // inside a file write, between the rename and the commit.
    while (run.batches() === 0 && run.child.exitCode === null) await sleep(20)
    assert.equal(run.child.exitCode, null, 'the consumer finished before it could be killed; use more rows')
    const firstBatchSeconds = (performance.now() - began) / 1000
    // At ~300k rows/s a run consumes ~60k rows in this window: the 4 kills always land before the end.
    await sleep(Math.random() * 200)
    run.child.kill('SIGKILL')
    await run.exited
    killedAfter.push(run.batches())
    t.diagnostic(
      `run ${kill + 1}: first file after ${firstBatchSeconds.toFixed(1)} s, killed after ${run.batches()} file(s)`,
    )
  }
  const last = startConsumer()
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
