// The live view's latency and memory, for `npm run bench:live`: rows go to the stream at a fixed rate (default
// 1,000 rows/s) with a simulated event time per 100 ms batch, while a client reads the API's GET /live/events.
//   - clock latency: from sending a batch until a `stats` event's clock reaches its event time (Kafka → API →
//     SSE; `stats` go out once a second, so this includes up to a second of waiting for the tick);
//   - window latency (when Spark's streaming queries run on that topic): from sending the n-th row of a (city,
//     window) until a `window` event reports n rows for it — produce → Spark → windows topic → API → SSE;
//   - the API's resident memory with live scoring on (its own /metrics), at the end.
// `measureLiveLatency` is the function bench/live.ts calls; run alone (`tsx bench/live-latency.ts`) it starts
// `traffic serve` on a topic of its own (no Spark query reads it, so only the clock latency is measured) and
// writes bench/results/live-latency-<date>.json. Options: --models <dir>, --seconds <s> (30), --rate <rows/s>
// (1000), --start <iso> (simulated time of the first row; default now, on the hour); --api <url> measures an API
// already running instead (following the configured stream topic, which `traffic live`'s queries read).
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LiveEvents } from '../src/api/live-schemas.ts'
import { loadConfig } from '../src/config.ts'
import { createSyntheticSource } from '../src/dataset/generator.ts'
import { type KafkaClients, kafkaClients } from '../src/stream/kafka-clients.ts'
import { followEvents } from '../test/fixtures/sse.ts'
import { benchArgs, positiveNumber } from './args.ts'

const HOUR_MS = 3_600_000
const BATCH_MS = 100

export interface LiveLatencyOptions {
  /** The API, following `topic`. */
  apiUrl: string
  clients: KafkaClients
  topic: string
  rate: number
  seconds: number
  /** Simulated seconds per real second. */
  clock: number
  /** Simulated time of the first row: later than the queries' watermark, or Spark drops the rows as late. */
  start: Date
}

export interface Percentiles {
  samples: number
  p50Ms: number | null
  p95Ms: number | null
  maxMs: number | null
}

export interface LiveLatencyResult {
  rate: number
  seconds: number
  rowsSent: number
  clockLatency: Percentiles
  windowLatency: Percentiles
  apiRssMb: number | null
}

function percentiles(values: number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (q: number) =>
    sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? null) : null
  return { samples: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), maxMs: sorted.at(-1) ?? null }
}

async function apiRssMb(apiUrl: string): Promise<number | null> {
  const metrics = await (await fetch(`${apiUrl}/metrics`)).text()
  const bytes = /^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1]
  return bytes ? Math.round(Number(bytes) / 2 ** 20) : null
}

export async function measureLiveLatency(options: LiveLatencyOptions): Promise<LiveLatencyResult> {
  const { apiUrl, rate, seconds, clock } = options
  const producer = options.clients.producer('bench-live-latency')
  const next = createSyntheticSource(1234)
  const pendingBatches: { eventTime: number; sentAt: number }[] = []
  const rowsSentAt = new Map<string, number[]>()
  const clockLatencies: number[] = []
  const windowLatencies: number[] = []

  const stop = followEvents(`${apiUrl}/live/events`, (event, data) => {
    const now = Date.now()
    if (event === 'stats') {
      const time = Date.parse((data as LiveEvents['stats']).clock ?? '')
      while (
        pendingBatches.length > 0 &&
        (pendingBatches[0]?.eventTime ?? Number.POSITIVE_INFINITY) <= time
      ) {
        clockLatencies.push(now - (pendingBatches.shift()?.sentAt ?? now))
      }
    } else if (event === 'window') {
      const window = data as LiveEvents['window']
      const sentAt = rowsSentAt.get(`${window.city}|${Date.parse(window.window_start)}`)?.[window.rows - 1]
      if (sentAt !== undefined) windowLatencies.push(now - sentAt)
    }
  })
  await new Promise((resolve) => setTimeout(resolve, 2000))

  const start = Date.now()
  const simulatedStart = options.start.getTime()
  const perBatch = Math.max(1, Math.round((rate * BATCH_MS) / 1000))
  let rowsSent = 0
  for (let batch = 0; Date.now() - start < seconds * 1000; batch += 1) {
    const eventTime = simulatedStart + batch * BATCH_MS * clock
    const window = Math.floor(eventTime / HOUR_MS) * HOUR_MS
    const rows = Array.from({ length: perBatch }, next)
    const sentAt = Date.now()
    pendingBatches.push({ eventTime, sentAt })
    for (const row of rows) {
      const key = `${row.City}|${window}`
      const sent = rowsSentAt.get(key) ?? []
      sent.push(sentAt)
      rowsSentAt.set(key, sent)
    }
    const isoTime = new Date(eventTime).toISOString()
    await producer.send({
      messages: rows.map((row) => ({
        topic: options.topic,
        value: JSON.stringify({ ...row, 'Event Time': isoTime }),
      })),
    })
    rowsSent += rows.length
    const wait = start + (batch + 1) * BATCH_MS - Date.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
  }
  await new Promise((resolve) => setTimeout(resolve, 3000))
  const rss = await apiRssMb(apiUrl)
  stop()
  await producer.close()
  return {
    rate,
    seconds,
    rowsSent,
    clockLatency: percentiles(clockLatencies),
    windowLatency: percentiles(windowLatencies),
    apiRssMb: rss,
  }
}

/** `traffic serve` in its own process with live scoring on, following these topics; resolves with its URL. */
export function startLiveApi(
  modelsDir: string,
  topics: { source: string; windows?: string; alerts?: string },
) {
  const env = {
    ...process.env,
    API_LOG_LEVEL: 'warn',
    KAFKA_TOPIC: topics.source,
    ...(topics.windows ? { LIVE_WINDOWS_TOPIC: topics.windows } : {}),
    ...(topics.alerts ? { LIVE_ALERTS_TOPIC: topics.alerts } : {}),
  }
  const child = spawn(
    process.execPath,
    [path.resolve('bin/traffic.js'), 'serve', '--port', '0', '--models', modelsDir, '--no-watch'],
    { env, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /API on (http:\/\/[^ ]+) /.exec(output)
      if (match) resolve(match[1] as string)
    })
    child.once('exit', (code) => reject(new Error(`traffic serve exited (${code}):\n${output}`)))
  })
  return { child, url }
}

/** Resolves once the API follows Kafka (it joins its group in the background), plus time to reach the end. */
export async function followingKafka(apiUrl: string): Promise<void> {
  for (let tries = 0; tries < 60; tries += 1) {
    const live = (await (await fetch(`${apiUrl}/live`)).json()) as { status: { kafka: string } }
    if (live.status.kafka === 'up') break
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
  await new Promise((resolve) => setTimeout(resolve, 3000))
}

async function main(): Promise<void> {
  const args = benchArgs(
    'npx tsx bench/live-latency.ts',
    'The live view’s latency and memory, the part of bench:live that runs alone.',
    {
      models: { type: 'string', description: 'models folder (default: the configured one)' },
      seconds: { type: 'string', default: '30', description: 'seconds of sending' },
      rate: { type: 'string', default: '1000', description: 'rows/s sent' },
      start: { type: 'string', description: 'simulated start time, ISO 8601 (default: this hour)' },
      api: { type: 'string', description: 'URL of a running API to measure instead of starting one' },
    },
  )
  const config = loadConfig({ models: args.models })
  const topic = args.api ? config.kafka.topic : `bench-live-latency-${Date.now()}`
  const server = args.api ? undefined : startLiveApi(config.paths.models, { source: topic })
  try {
    const apiUrl = args.api ?? (await server?.url) ?? ''
    await followingKafka(apiUrl)
    const result = await measureLiveLatency({
      apiUrl,
      clients: kafkaClients(config.kafka),
      topic,
      rate: positiveNumber('rate', args.rate),
      seconds: positiveNumber('seconds', args.seconds),
      clock: 360,
      start: new Date(args.start ?? Math.floor(Date.now() / HOUR_MS) * HOUR_MS),
    })
    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      topic,
      ...result,
    }
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
    mkdirSync(path.join('bench', 'results'), { recursive: true })
    const file = path.join('bench', 'results', `live-latency-${results.date.slice(0, 10)}.json`)
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
    process.stdout.write(`→ ${file}\n`)
  } finally {
    server?.child.kill('SIGTERM')
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
