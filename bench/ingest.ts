// `npm run bench:ingest` — streaming ingest speed on this machine, with 1,219,567 rows (the real file's size):
//   1. producer alone: `traffic produce` code, CSV → topic;
//   2. consumer alone: `traffic consume` code, topic → 100k-row batch files;
//   3. end to end: consumer and producer started together, until the consumer holds the last row (the final partial
//      batch is then written when the idle timeout expires, which is waiting, not work);
//   4. Kafka's own ProducerPerformance (Java client) on the same broker with the same records: the ceiling.
// Ours run in their own processes, so each has its own peak RSS; producer and consumer alone run three times each
// and the median counts (this machine is shared: single runs vary a lot). The data set is generated once, cached.
// Prints a table and writes bench/results/ingest-<date>.json.
// Flags: `npm run bench:ingest -- --help`.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { Admin } from '@platformatic/kafka'
import { type KafkaCodec, loadConfig } from '../src/config.ts'
import { encodeJsonMessage } from '../src/contract/json.ts'
import { readTrafficCsv } from '../src/dataset/csv-reader.ts'
import { writeSyntheticCsv } from '../src/dataset/write-synthetic.ts'
import { engineStatuses, startEngines, stopEngines } from '../src/engines/lifecycle.ts'
import { KAFKA } from '../src/engines/manifest.ts'
import { openStore } from '../src/storage/open-store.ts'
import { consumeToBatchFiles } from '../src/stream/consume.ts'
import { kafkaClients } from '../src/stream/kafka-clients.ts'
import { produceCsvToTopic } from '../src/stream/produce.ts'
import { startS3Proxy } from '../test/storage/s3proxy-fixture.ts'
import { benchArgs, positiveNumber } from './args.ts'
import { producerPerformance } from './kafka-producer-performance.ts'

const REAL_ROWS = 1_219_567
const SEED = 42
const PAYLOAD_LINES = 100_000

const args = benchArgs(
  'npm run bench:ingest --',
  'Streaming ingest speed: producer, consumer, end to end, and Kafka’s own producer.',
  {
    rows: { type: 'string', default: String(REAL_ROWS), description: 'rows of the generated data set' },
    codecs: {
      type: 'boolean',
      default: false,
      description: 'also time producer and consumer and weigh the topic for none, gzip and lz4',
    },
    'producer-only': {
      type: 'boolean',
      default: false,
      description: 'only the producer and Kafka’s ProducerPerformance, no consumer runs',
    },
    keep: { type: 'boolean', default: false, description: 'leave the topics and batch files' },
    stores: {
      type: 'string',
      description:
        'where the consumer writes: folder, s3 (an S3Proxy this run starts) or both, comma-separated (default: folder)',
    },
    store: { type: 'string', description: 'the same as --stores' },
    compression: { type: 'string', description: 'the producer’s codec (default: KAFKA_COMPRESSION)' },
    phase: { type: 'string', description: 'internal: one measured run in this process' },
    topic: { type: 'string', description: 'internal: the topic of a --phase run' },
    file: { type: 'string', description: 'internal: the CSV of a --phase run' },
    dir: { type: 'string', description: 'internal: the batch store of a --phase run' },
    group: { type: 'string', description: 'internal: the consumer group of a --phase run' },
  },
)

/** Where the consumer can write its batches in step 2. */
const STORES = ['folder', 's3'] as const
type StoreKind = (typeof STORES)[number]

function storesToMeasure(): StoreKind[] {
  const given = (args.stores ?? args.store ?? 'folder').split(',').map((name) => name.trim())
  for (const name of given) {
    if (!(STORES as readonly string[]).includes(name)) {
      throw new Error(`--stores takes ${STORES.join(', ')} (comma-separated), not "${name}"`)
    }
  }
  return given as StoreKind[]
}

/** The codecs compared by --codecs: the two every client reads without extras, and the previous default. */
const COMPARED_CODECS: KafkaCodec[] = ['none', 'gzip', 'lz4']

const config = loadConfig({ compression: args.compression })
const clients = kafkaClients(config.kafka)

interface PhaseResult {
  rows: number
  /** From the start of the work to its last row: acknowledged by the broker / placed in a batch by the consumer. */
  seconds: number
  /** Wall-clock time (epoch ms) of that last row. */
  doneAt: number
  peakRssMb: number
  cpuSeconds: number
}

function measured(rows: number, began: number, doneAt: number): PhaseResult {
  const cpu = process.cpuUsage()
  return {
    rows,
    seconds: (doneAt - began) / 1000,
    doneAt,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  }
}

/** One measured run, in this process: the parent reads the RESULT line. */
async function runPhase(phase: string): Promise<void> {
  const topic = args.topic as string
  const began = Date.now()
  let result: PhaseResult
  if (phase === 'produce') {
    const stats = await produceCsvToTopic(clients, {
      file: args.file as string,
      topic,
      partitions: config.kafka.partitions,
      rejectsFile: path.join(os.tmpdir(), `bench-rejects-${process.pid}.jsonl`),
    })
    result = measured(stats.sent, began, Date.now())
  } else {
    let doneAt = began
    let consumed = 0
    const stats = await consumeToBatchFiles(clients, {
      topic,
      deadLetterTopic: `${topic}.dlq`,
      groupId: args.group as string,
      store: openStore('--dir', args.dir as string, config.storage.s3),
      batchSize: 100_000,
      idleTimeoutMs: 8_000,
      follow: false,
      partitions: config.kafka.partitions,
      onProgress: (progress) => {
        if (progress.consumed > consumed) doneAt = Date.now()
        consumed = progress.consumed
      },
    })
    result = measured(stats.rows, began, doneAt)
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`)
}

/** Runs one phase in a child process (its own heap, its own peak RSS); `env` adds to the environment. */
function child(
  phase: string,
  options: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
): Promise<PhaseResult> {
  const flags = Object.entries({ phase, ...options }).flatMap(([k, v]) => [`--${k}`, v])
  const proc = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  })
  let output = ''
  proc.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString()
  })
  return new Promise((resolve, reject) => {
    proc.on('exit', (code) => {
      const line = output.split('\n').find((l) => l.startsWith('RESULT '))
      if (code !== 0 || !line) reject(new Error(`bench phase ${phase} failed (exit ${code}):\n${output}`))
      else resolve(JSON.parse(line.slice('RESULT '.length)) as PhaseResult)
    })
  })
}

async function cachedDataSet(rows: number): Promise<{ csv: string; payload: string }> {
  const dir = path.join(config.engines.cacheDir, '..', 'bench')
  const csv = path.join(dir, `futuristic_city_traffic-${rows}-seed${SEED}.csv`)
  const payload = path.join(dir, `messages-${PAYLOAD_LINES}-seed${SEED}.jsonl`)
  if (!existsSync(csv)) {
    process.stdout.write(`generating ${rows.toLocaleString('en-US')} rows once → ${csv}\n`)
    await writeSyntheticCsv({ rows, seed: SEED, out: csv })
  }
  if (!existsSync(payload)) {
    // ProducerPerformance draws its records from these lines: the same JSON messages our producer sends.
    const out = createWriteStream(payload)
    let lines = 0
    for await (const row of readTrafficCsv(csv)) {
      if (!row.ok) continue
      out.write(`${lines === 0 ? '' : '\n'}${encodeJsonMessage(row.record)}`)
      if (++lines >= PAYLOAD_LINES) break
    }
    out.end()
    await finished(out)
  }
  return { csv, payload }
}

/** Starts the local broker for the run if it is not running (Spark is left alone); resolves a stopper. */
async function ensureBroker(): Promise<() => Promise<void>> {
  const kafka = (await engineStatuses(config)).find((s) => s.name === 'Kafka')
  if (!config.kafka.local || kafka?.pid !== undefined) return async () => undefined
  const onlyKafka = loadConfig({ sparkRemote: config.spark.remote })
  await startEngines(onlyKafka)
  return async () => {
    await stopEngines(onlyKafka)
  }
}

function rate(rows: number, seconds: number): number {
  return Math.round(rows / seconds)
}

const REPEATS = 3

interface MedianResult extends PhaseResult {
  rowsPerSecond: number
  runs: number[]
}

/** Runs a phase REPEATS times; the run with the median time, plus every run's rows/s. */
async function median(
  phase: string,
  options: (i: number) => Record<string, string>,
  env: NodeJS.ProcessEnv = {},
): Promise<MedianResult> {
  const results: PhaseResult[] = []
  for (let i = 0; i < REPEATS; i++) results.push(await child(phase, options(i), env))
  const sorted = [...results].sort((a, b) => a.seconds - b.seconds)
  const middle = sorted[Math.floor(sorted.length / 2)] as PhaseResult
  return {
    ...middle,
    rowsPerSecond: rate(middle.rows, middle.seconds),
    runs: results.map((r) => rate(r.rows, r.seconds)),
  }
}

/** Bytes the broker stores for a topic (all partitions, all log dirs): its size on disk. */
async function topicBytes(topic: string): Promise<number> {
  const admin = new Admin({ clientId: 'bench-log-dirs', bootstrapBrokers: config.kafka.brokers })
  try {
    const partitions = [...Array(config.kafka.partitions).keys()]
    const brokers = await admin.describeLogDirs({ topics: [{ name: topic, partitions }] })
    let bytes = 0n
    for (const dir of brokers.flatMap((b) => b.results)) {
      for (const t of dir.topics.filter((t) => t.name === topic)) {
        for (const p of t.partitions) bytes += p.partitionSize
      }
    }
    return Number(bytes)
  } finally {
    await admin.close()
  }
}

interface EndToEnd {
  seconds: number
  rowsInFiles: number
  producerPeakRssMb: number
  consumerPeakRssMb: number
}

interface CodecFigures {
  producer: MedianResult
  consumer: MedianResult
  topicBytes: number
}

async function main(): Promise<void> {
  const rows = positiveNumber('rows', args.rows)
  const stopBroker = await ensureBroker()
  const compression = config.kafka.compression
  const { csv, payload } = await cachedDataSet(rows)
  const run = `bench-ingest-${randomUUID().slice(0, 8)}`
  const work = await mkdtemp(path.join(os.tmpdir(), `${run}-`))
  const topics: string[] = []
  const groups = {
    names: [] as string[],
    add(name: string): string {
      this.names.push(name)
      return name
    },
  }
  const topic = (name: string) => {
    const t = `${run}-${name}`
    topics.push(t, `${t}.dlq`)
    return t
  }
  const stores = storesToMeasure()
  const s3proxy = stores.includes('s3') ? await startS3Proxy('bench-ingest') : undefined
  const loadBefore = os.loadavg()
  try {
    process.stdout.write(`1/4 producer alone (${REPEATS} runs)…\n`)
    const produce = await median('produce', (i) => ({ topic: topic(`alone-${i}`), file: csv, compression }))
    let consumer: { byStore: Partial<Record<StoreKind, MedianResult>>; endToEnd: EndToEnd } | undefined
    if (!args['producer-only']) {
      const byStore: Partial<Record<StoreKind, MedianResult>> = {}
      for (const store of stores) {
        process.stdout.write(`2/4 consumer alone to ${store} (${REPEATS} runs)…\n`)
        byStore[store] = await median(
          'consume',
          (i) => ({
            topic: `${run}-alone-0`,
            dir:
              s3proxy && store === 's3'
                ? `s3://${s3proxy.bucket}/${run}/alone-${i}`
                : path.join(work, `alone-${i}`),
            group: groups.add(`${run}-alone-${store}-${i}`),
          }),
          store === 's3' ? s3proxy?.env : {},
        )
      }
      process.stdout.write('3/4 end to end (consumer and producer together)…\n')
      const began = Date.now()
      const [e2eConsume, e2eProduce] = await Promise.all([
        child('consume', {
          topic: topic('e2e'),
          dir: path.join(work, 'e2e'),
          group: groups.add(`${run}-e2e`),
        }),
        child('produce', { topic: `${run}-e2e`, file: csv, compression }),
      ])
      const endToEnd = {
        seconds: (e2eConsume.doneAt - began) / 1000,
        rowsInFiles: e2eConsume.rows,
        producerPeakRssMb: e2eProduce.peakRssMb,
        consumerPeakRssMb: e2eConsume.peakRssMb,
      }
      consumer = { byStore, endToEnd }
    }
    process.stdout.write('4/4 Kafka ProducerPerformance (Java client)…\n')
    // Created as ours are: the same partitions (the broker's num.partitions could differ).
    const javaTopic = topic('java')
    await clients.ensureTopic(javaTopic, config.kafka.partitions)
    const java = await producerPerformance({
      cacheDir: config.engines.cacheDir,
      brokers: config.kafka.brokers,
      topic: javaTopic,
      records: rows,
      payloadFile: payload,
      compression,
    })
    const codecs: Partial<Record<KafkaCodec, CodecFigures>> = {}
    if (args.codecs) {
      for (const codec of COMPARED_CODECS) {
        process.stdout.write(`codec ${codec}: producer and consumer (${REPEATS} runs each)…\n`)
        const name = (i: number) => topic(`codec-${codec}-${i}`)
        const producer = await median('produce', (i) => ({ topic: name(i), file: csv, compression: codec }))
        const consumer = await median('consume', (i) => ({
          topic: `${run}-codec-${codec}-0`,
          dir: path.join(work, `codec-${codec}-${i}`),
          group: groups.add(`${run}-codec-${codec}-${i}`),
        }))
        codecs[codec] = { producer, consumer, topicBytes: await topicBytes(`${run}-codec-${codec}-0`) }
      }
    }
    const loadAfter = os.loadavg()

    const results = {
      date: new Date().toISOString(),
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 2 ** 30),
        loadAverage1mBefore: loadBefore[0],
        loadAverage1mAfter: loadAfter[0],
        node: process.version,
        kafka: KAFKA.version,
      },
      rows,
      partitions: config.kafka.partitions,
      compression,
      producer: produce,
      consumer: consumer?.byStore.folder,
      consumerByStore: consumer?.byStore,
      endToEnd: consumer?.endToEnd,
      kafkaProducerPerformance: java,
      codecs,
      targets: {
        producerRowsPerSecond: { target: 150_000, met: produce.rowsPerSecond >= 150_000 },
        producerShareOfJava: {
          target: 0.5,
          value: produce.rowsPerSecond / java.recordsPerSecond,
          met: produce.rowsPerSecond >= 0.5 * java.recordsPerSecond,
        },
        endToEndSeconds: consumer && { target: 30, met: consumer.endToEnd.seconds <= 30 },
      },
    }
    print(results)
    const file = path.resolve(`bench/results/ingest-${results.date.slice(0, 10)}.json`)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
    process.stdout.write(`results → ${path.relative(process.cwd(), file)}\n`)
  } finally {
    if (!args.keep) {
      const admin = new Admin({ clientId: 'bench-cleanup', bootstrapBrokers: config.kafka.brokers })
      await admin.deleteTopics({ topics }).catch(() => undefined)
      await admin.deleteGroups({ groups: groups.names }).catch(() => undefined)
      await admin.close()
      await rm(work, { recursive: true, force: true })
    }
    await s3proxy?.stop()
    await stopBroker()
  }
}

function print(r: {
  rows: number
  machine: { cpus: number; loadAverage1mBefore?: number; loadAverage1mAfter?: number }
  producer: MedianResult
  consumerByStore: Partial<Record<StoreKind, MedianResult>> | undefined
  endToEnd: EndToEnd | undefined
  kafkaProducerPerformance: {
    recordsPerSecond: number
    seconds: number
    megabytesPerSecond: number
    settings: string[]
  }
  codecs: Partial<Record<KafkaCodec, CodecFigures>>
  targets: { producerRowsPerSecond: { met: boolean }; endToEndSeconds: { met: boolean } | undefined }
}): void {
  const n = (x: number) => x.toLocaleString('en-US')
  const row = (name: string, perSecond: string, seconds: string, rss: string) =>
    `${name.padEnd(42)}${perSecond.padStart(12)}${seconds.padStart(10)}${rss.padStart(14)}\n`
  const load = `${r.machine.loadAverage1mBefore?.toFixed(1)} → ${r.machine.loadAverage1mAfter?.toFixed(1)}`
  let out = `\ningest benchmark: ${n(r.rows)} rows, ${r.machine.cpus} CPUs, load average ${load}\n`
  out += row('', 'rows/s', 'seconds', 'peak RSS')
  out += row(
    'producer (CSV → topic)',
    n(r.producer.rowsPerSecond),
    r.producer.seconds.toFixed(1),
    `${r.producer.peakRssMb} MB`,
  )
  const consumers = Object.entries(r.consumerByStore ?? {})
  for (const [store, consumer] of consumers) {
    out += row(
      `consumer (topic → batches, ${store === 's3' ? 'S3Proxy' : 'folder'})`,
      n(consumer.rowsPerSecond),
      consumer.seconds.toFixed(1),
      `${consumer.peakRssMb} MB`,
    )
  }
  const consumerRuns = consumers
    .map(([store, consumer]) => `; consumer to ${store} ${consumer.runs.map(n).join(', ')}`)
    .join('')
  out += `${''.padEnd(4)}runs: producer ${r.producer.runs.map(n).join(', ')}${consumerRuns} rows/s\n`
  // On a loaded machine rows/s follow the share of CPU a run gets; its CPU time says what it costs.
  out += `${''.padEnd(4)}producer CPU time (median run): ${r.producer.cpuSeconds.toFixed(1)} s\n`
  if (r.endToEnd) {
    out += row(
      'end to end (both at once, to the last row)',
      n(Math.round(r.endToEnd.rowsInFiles / r.endToEnd.seconds)),
      r.endToEnd.seconds.toFixed(1),
      `${r.endToEnd.producerPeakRssMb} + ${r.endToEnd.consumerPeakRssMb} MB`,
    )
  }
  out += row(
    'Kafka ProducerPerformance (Java, ceiling)',
    n(r.kafkaProducerPerformance.recordsPerSecond),
    r.kafkaProducerPerformance.seconds.toFixed(1),
    '',
  )
  const ratio = r.producer.rowsPerSecond / r.kafkaProducerPerformance.recordsPerSecond
  out += `${''.padEnd(4)}settings: ${r.kafkaProducerPerformance.settings.join(' ')}\n`
  out += `producer / ProducerPerformance, same run: ${(100 * ratio).toFixed(0)}% (target ≥ 50%)\n`
  const codecs = Object.entries(r.codecs)
  if (codecs.length > 0) {
    out += `\n${'codec (medians of 3 runs)'.padEnd(28)}${'producer rows/s'.padStart(16)}`
    out += `${'consumer rows/s'.padStart(16)}${'topic MB'.padStart(10)}\n`
    for (const [codec, f] of codecs) {
      out += `${codec.padEnd(28)}${n(f.producer.rowsPerSecond).padStart(16)}`
      out += `${n(f.consumer.rowsPerSecond).padStart(16)}${(f.topicBytes / 1e6).toFixed(1).padStart(10)}\n`
      out += `${''.padEnd(4)}runs: producer ${f.producer.runs.map(n).join(', ')}; consumer ${f.consumer.runs.map(n).join(', ')} rows/s\n`
    }
  }
  const verdict = (met: boolean) => (met ? 'met' : 'NOT met')
  out += `targets: producer ≥ 150,000 rows/s ${verdict(r.targets.producerRowsPerSecond.met)}`
  const endToEnd = r.targets.endToEndSeconds
  out += endToEnd ? `; end to end ≤ 30 s ${verdict(endToEnd.met)}\n` : '\n'
  process.stdout.write(out)
}

if (args.phase) await runPhase(args.phase)
else await main()
