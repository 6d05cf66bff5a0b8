// `npm run test:chaos`: a 1 M-row topic written to batch files while the consumer is SIGKILLed at random moments
// (20 times, restarted each time) and the broker is SIGKILLed and restarted once; in the end the batch files must
// hold exactly the source rows. It starts the Kafka broker it needs (only Kafka: no Spark) unless one is running,
// and stops what it started. Not part of `npm test`: it takes minutes.
import { formatStatus } from '../../src/cli/engines.ts'
import { engineStatuses, startEngines, stopEngines } from '../../src/engines/lifecycle.ts'
import { describeError } from '../../src/errors.ts'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { listBatchFiles } from '../../src/stream/batch-files.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { sleep } from '../fixtures/wait.ts'
import {
  cleanUp,
  clients,
  csvLines,
  generateCsv,
  readBatches,
  startConsumer,
  tempDir,
  config as testConfig,
  unique,
} from './helpers.ts'

const ROWS = 1_000_000
const PARTITIONS = 2
const CONSUMER_KILLS = 20
const BATCH_ROWS = 10_000

// Only the broker is needed: the Spark server is left out of what is started and stopped.
const config = { ...testConfig, spark: { ...testConfig.spark, local: false } }
const began = performance.now()
const seconds = () => ((performance.now() - began) / 1000).toFixed(1)
const log = (line: string) => process.stdout.write(`[${seconds().padStart(6)} s] ${line}\n`)
const random = (max: number) => Math.floor(Math.random() * max)

const topic = unique('chaos')
const groupId = unique('chaos-group')
const work = await tempDir('chaos')
const dir = `${work}/batches`
const store = new FolderStore(dir)
const target = { topic, dir, groupId }
const consumerFlags = ['--batch-size', String(BATCH_ROWS), '--idle-timeout', '3']

interface Tally {
  consumerKills: number
  brokerKills: number
  brokerRestartSeconds: number
  /** Consumer runs that ended on their own (e.g. no broker to talk to): restarted like killed ones. */
  consumerExits: number
  /** What the batch files hold in the end. */
  files: number
  rows: number
}

/** Offsets the batch files cover so far (from their names). */
async function offsetsInFiles(): Promise<number> {
  const files = await listBatchFiles(store, topic)
  return files.reduce((sum, f) => sum + Number(f.last - f.first + 1n), 0)
}

async function killBroker(tally: Tally): Promise<void> {
  const kafka = (await engineStatuses(config)).find((s) => s.name === 'Kafka')
  if (kafka?.pid === undefined) throw new Error('the broker is not running')
  process.kill(kafka.pid, 'SIGKILL')
  tally.brokerKills += 1
  log(`SIGKILL broker (pid ${kafka.pid})`)
  await sleep(random(3_000))
  const restartBegan = performance.now()
  await startEngines(config)
  tally.brokerRestartSeconds = (performance.now() - restartBegan) / 1000
  log(`broker restarted in ${tally.brokerRestartSeconds.toFixed(1)} s`)
}

/** Runs consumers and kills them at random moments; one of the kills lands on the broker instead, mid-run. */
async function chaos(tally: Tally): Promise<void> {
  const brokerAt = 5 + random(10)
  while (tally.consumerKills < CONSUMER_KILLS) {
    const run = startConsumer(target, consumerFlags)
    // Spread the kills over the stream: this run may write up to its share of the rows still to write.
    const share = (ROWS - (await offsetsInFiles())) / (CONSUMER_KILLS - tally.consumerKills + 1)
    const killAfterRows = random(share)
    while (run.rows() < killAfterRows && run.child.exitCode === null) await sleep(10)
    if (run.child.exitCode !== null) {
      tally.consumerExits += 1
      log(
        `consumer exited on its own (code ${run.child.exitCode}): ${run.errors().trim().split('\n').at(-1)}`,
      )
      continue
    }
    if (tally.brokerKills === 0 && tally.consumerKills === brokerAt) await killBroker(tally)
    await sleep(random(150))
    run.child.kill('SIGKILL')
    await run.exited
    tally.consumerKills += 1
    log(`SIGKILL consumer #${tally.consumerKills} after ${run.files()} file(s) of its own`)
  }
}

/** The last consumer runs until the stream is written (restarted if it fails, e.g. during a group rebalance). */
async function finish(tally: Tally): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const run = startConsumer(target, consumerFlags)
    const code = await run.exited
    if (code === 0) return
    tally.consumerExits += 1
    log(`final consumer failed (code ${code}): ${run.errors().trim()}`)
    if (attempt === 5) throw new Error('the final consumer failed 5 times')
  }
}

/** Source lines missing from the files, and lines in the files that are not in the source (both sorted). */
function multisetDifference(source: string[], written: string[]): { missing: number; extra: number } {
  let missing = 0
  let extra = 0
  let i = 0
  let j = 0
  while (i < source.length || j < written.length) {
    const a = source[i]
    const b = written[j]
    if (a !== undefined && a === b) {
      i += 1
      j += 1
    } else if (b === undefined || (a !== undefined && a < b)) {
      missing += 1
      i += 1
    } else {
      extra += 1
      j += 1
    }
  }
  return { missing, extra }
}

async function verify(csv: string, tally: Tally): Promise<string[]> {
  const problems: string[] = []
  const batches = await readBatches(store, topic)
  tally.files = batches.length
  tally.rows = batches.reduce((n, b) => n + b.lines.length, 0)
  const next = new Map<number, bigint>()
  for (const batch of batches) {
    const expected = next.get(batch.partition) ?? 0n
    if (batch.first !== expected) {
      problems.push(`partition ${batch.partition}: a file starts at ${batch.first}, not ${expected}`)
    }
    next.set(batch.partition, batch.last + 1n)
  }
  const { missing, extra } = multisetDifference(await csvLines(csv), batches.flatMap((b) => b.lines).sort())
  if (missing || extra) problems.push(`${missing} source row(s) missing from the files, ${extra} extra`)
  return problems
}

const wereRunning = new Set(
  (await engineStatuses(config)).filter((s) => s.pid !== undefined).map((s) => s.name),
)
let exitCode = 1
try {
  for (const status of await startEngines(config)) if (status.local) log(formatStatus(status))
  const csv = await generateCsv(work, ROWS, 77)
  const produced = await produceCsvToTopic(clients, {
    file: csv,
    topic,
    partitions: PARTITIONS,
    rejectsFile: `${work}/rejects.csv`,
  })
  log(`produced ${produced.sent.toLocaleString('en')} rows to ${topic} (${PARTITIONS} partitions)`)
  const tally: Tally = {
    consumerKills: 0,
    brokerKills: 0,
    brokerRestartSeconds: 0,
    consumerExits: 0,
    files: 0,
    rows: 0,
  }
  await chaos(tally)
  await finish(tally)
  const problems = await verify(csv, tally)
  process.stdout.write(
    `\nchaos summary: ${ROWS.toLocaleString('en')} source rows · ${tally.consumerKills} consumer SIGKILLs · ` +
      `${tally.brokerKills} broker SIGKILL (restarted in ${tally.brokerRestartSeconds.toFixed(1)} s) · ` +
      `${tally.consumerExits} consumer exit(s) on their own · ${tally.rows.toLocaleString('en')} rows in ` +
      `${tally.files} batch files · ${seconds()} s\n`,
  )
  if (problems.length === 0) {
    process.stdout.write('✔ the batch files hold exactly the source rows, tiling every partition\n')
    exitCode = 0
  } else {
    for (const problem of problems) process.stdout.write(`✖ ${problem}\n`)
  }
} catch (error) {
  process.stderr.write(`✖ chaos run failed: ${describeError(error)}\n`)
} finally {
  await cleanUp({ topics: [topic, `${topic}.dlq`], groups: [groupId], dirs: [work] }).catch(() => undefined)
  for (const status of await stopEngines(config, wereRunning)) log(formatStatus(status))
}
process.exit(exitCode)
