// `npm run bench:live` — how fast the live streaming queries go on this machine: the city-clock replay sends
// at a fixed rate for 60 s into a fresh topic while both Spark Structured Streaming queries (windows, alerts)
// run over it; a rate is kept up with when, by the end of those 60 s, each query has read every row sent but
// the last five seconds' (rows in flight in the last micro-batches); Spark's own figure (rows of the
// batches ÷ their processing time) is recorded too. Rates go from low to high; the highest kept up is the figure.
// The queries are warmed up first (their first micro-batch loads classes for ~20 s). Uses the running engines
// (or starts them). Writes bench/results/live-<date>.json.
// Then the live view's latency (bench/live-latency.ts): `traffic serve` follows a fresh topic that both queries
// read, rows go in at --latency-rate rows/s, and the time from sending a row to the SSE event showing it (the
// API's clock; the row counted in a Spark window) is recorded with the API's memory with live scoring on.
// Flags: `npm run bench:live -- --help`.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Admin } from '@platformatic/kafka'
import { loadConfig } from '../src/config.ts'
import { startEngines } from '../src/engines/lifecycle.ts'
import { defaultClockStart } from '../src/live/clock.ts'
import { replay, streamPosition } from '../src/live/replay.ts'
import { LiveSupervisor } from '../src/live/supervisor.ts'
import { topicEndOffsets } from '../src/orchestration/topic.ts'
import { progressRates, type StreamingQueryProgress } from '../src/spark/index.ts'
import { kafkaClients } from '../src/stream/kafka-clients.ts'
import { benchArgs, positiveNumber } from './args.ts'
import { followingKafka, measureLiveLatency, startLiveApi } from './live-latency.ts'

const args = benchArgs(
  'npm run bench:live --',
  'How fast the live streaming queries go, then the live view’s latency.',
  {
    rates: {
      type: 'string',
      default: '5000,10000,20000,30000',
      description: 'replay rates to try, rows/s, comma-separated (empty: skip)',
    },
    seconds: { type: 'string', default: '60', description: 'seconds per rate' },
    'latency-rate': { type: 'string', default: '1000', description: 'rows/s of the latency run' },
    'latency-seconds': { type: 'string', default: '60', description: 'seconds of the latency run (0: skip)' },
  },
)
const rates = args.rates
  .split(',')
  .filter((rate) => rate.trim() !== '')
  .map((rate) => positiveNumber('rates', rate))
const seconds = positiveNumber('seconds', args.seconds)
const config = loadConfig()
const clients = kafkaClients(config.kafka)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Rows the query has read from the source topic, from its latest progress (all partitions). */
function readOffset(progress: StreamingQueryProgress | undefined, topic: string): number {
  const offsets = JSON.parse(progress?.sources?.[0]?.endOffset ?? '{}') as Record<
    string,
    Record<string, number>
  >
  return Object.values(offsets[topic] ?? {}).reduce((sum, offset) => sum + offset, 0)
}

/** Spark's own figure over the measured batches: their rows ÷ their processing time. */
function sparkProcessedRate(progress: StreamingQueryProgress[], from: number): number {
  const measured = progress.filter(
    (p) => Date.parse(p.timestamp) >= from && progressRates(p).numInputRows > 0,
  )
  const rows = measured.reduce((sum, p) => sum + progressRates(p).numInputRows, 0)
  const ms = measured.reduce((sum, p) => sum + (p.durationMs?.triggerExecution ?? 0), 0)
  return ms ? Math.round((rows / ms) * 1000) : 0
}

/** Fresh topics and the two queries over them, not started yet. */
async function freshQueries(workDir: string) {
  const tag = randomUUID().slice(0, 8)
  const topics = {
    source: `bench-live-${tag}`,
    windows: `bench-live-windows-${tag}`,
    alerts: `bench-live-alerts-${tag}`,
  }
  for (const topic of Object.values(topics)) await clients.ensureTopic(topic, config.kafka.partitions)
  const supervisor = new LiveSupervisor(config, randomUUID(), {
    kafka: config.kafka,
    sourceTopic: topics.source,
    windowsTopic: topics.windows,
    alertsTopic: topics.alerts,
    window: config.live.window,
    watermark: config.live.watermark,
    trigger: config.live.trigger,
    checkpointDir: path.join(workDir, tag),
    startingOffsets: 'earliest',
    baseline: [],
  })
  const cleanUp = async () => {
    await supervisor.stop()
    const admin = new Admin({ clientId: 'bench-live', bootstrapBrokers: config.kafka.brokers })
    await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => undefined)
    await admin.close()
  }
  const run = async (rate: number, durationSeconds: number, start: Date) =>
    replay(clients, {
      topic: topics.source,
      position: await streamPosition({ ...config.kafka, topic: topics.source }),
      partitions: config.kafka.partitions,
      clock: config.live.clock,
      rate,
      start,
      durationSeconds,
    })
  const caughtUp = async () =>
    supervisor.caughtUp(await topicEndOffsets({ ...config.kafka, topic: topics.source }))
  /** Starts the queries and sends them 3 s of rows (their first micro-batch loads classes); resolves the clock. */
  const warmUp = async (rate: number) => {
    await supervisor.start()
    const warm = await run(rate, 3, defaultClockStart())
    while (!(await caughtUp())) await sleep(1_000)
    return warm.clock
  }
  return { topics, supervisor, run, warmUp, cleanUp }
}

async function measure(rate: number, workDir: string) {
  const { topics, supervisor, run, warmUp, cleanUp } = await freshQueries(workDir)
  try {
    const clock = await warmUp(rate)
    const from = Date.now()
    const before = new Map(
      (await supervisor.recentProgress()).map((q) => [q.name, readOffset(q.progress.at(-1), topics.source)]),
    )
    const sent = await run(rate, seconds, clock)
    await supervisor.poll()
    const queries = []
    let keptUp = true
    for (const { name, progress } of await supervisor.recentProgress()) {
      const read = readOffset(progress.at(-1), topics.source) - (before.get(name) ?? 0)
      const backlog = sent.sent - read
      // Kept up: over the run it read what was sent, but for the last five seconds' rows still in flight.
      keptUp &&= backlog <= 5 * rate
      queries.push({
        name,
        rowsRead: read,
        processedRowsPerSecond: Math.round(read / sent.seconds),
        sparkProcessedRowsPerSecond: sparkProcessedRate(progress, from),
        backlogRowsAtEnd: backlog,
      })
    }
    return {
      rate,
      sentRowsPerSecond: Math.round(sent.sent / sent.seconds),
      sent: sent.sent,
      seconds: sent.seconds,
      queries,
      keptUp,
    }
  } finally {
    await cleanUp()
  }
}

/** Produce → SSE latency through `traffic serve` following a topic that both queries read. */
async function latency(workDir: string) {
  const { topics, warmUp, cleanUp } = await freshQueries(workDir)
  const api = startLiveApi(config.paths.models, topics)
  try {
    const rate = positiveNumber('latency-rate', args['latency-rate'])
    const start = await warmUp(rate)
    const apiUrl = await api.url
    await followingKafka(apiUrl)
    return await measureLiveLatency({
      apiUrl,
      clients,
      topic: topics.source,
      rate,
      seconds: positiveNumber('latency-seconds', args['latency-seconds']),
      clock: config.live.clock,
      // Past the warm-up's rows: the queries' watermark would drop earlier ones as late.
      start: new Date(start.getTime() + 3_600_000),
    })
  } finally {
    api.child.kill('SIGTERM')
    await cleanUp()
  }
}

await startEngines(config)
const workDir = await mkdtemp(path.join(os.tmpdir(), 'bench-live-'))
try {
  const results = []
  for (const rate of rates) {
    process.stdout.write(`rate ${rate.toLocaleString('en')} rows/s for ${seconds} s… `)
    const result = await measure(rate, workDir)
    results.push(result)
    process.stdout.write(
      `${result.keptUp ? 'kept up' : 'FELL BEHIND'}: sent ${result.sentRowsPerSecond.toLocaleString('en')} rows/s; ` +
        result.queries
          .map(
            (q) =>
              `${q.name} processed ${Math.round(q.processedRowsPerSecond).toLocaleString('en')} rows/s, backlog ${q.backlogRowsAtEnd}`,
          )
          .join('; ') +
        '\n',
    )
    if (!result.keptUp) break
  }
  const highest = Math.max(0, ...results.filter((r) => r.keptUp).map((r) => r.rate))
  const sse =
    positiveNumber('latency-seconds', args['latency-seconds'], true) > 0 ? await latency(workDir) : null
  if (sse) {
    const ms = (p: { p50Ms: number | null; p95Ms: number | null }) => `p50 ${p.p50Ms} ms, p95 ${p.p95Ms} ms`
    process.stdout.write(
      `produce → SSE at ${sse.rate.toLocaleString('en')} rows/s: clock ${ms(sse.clockLatency)}; ` +
        `window ${ms(sse.windowLatency)} (target p95 ≤ 3 s); API memory ${sse.apiRssMb} MB\n`,
    )
  }
  const output = {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, memoryGb: Math.round(os.totalmem() / 2 ** 30) },
    seconds,
    highestRateKeptUp: highest,
    target: 20_000,
    results,
    sseLatency: sse,
  }
  mkdirSync(path.join('bench', 'results'), { recursive: true })
  const out = path.join('bench', 'results', `live-${output.date.slice(0, 10)}.json`)
  writeFileSync(out, `${JSON.stringify(output, null, 2)}\n`)
  process.stdout.write(
    results.length > 0
      ? `highest rate kept up: ${highest.toLocaleString('en')} rows/s (target ≥ 20,000) → ${out}\n`
      : `→ ${out}\n`,
  )
} finally {
  await rm(workDir, { recursive: true, force: true })
}
