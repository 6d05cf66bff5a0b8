// Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, Java client) on the same broker:
// the ceiling our producer is compared with. Its jar (org.apache.kafka:kafka-tools) is not among the broker's
// pinned dependencies; it is fetched once with Maven at the broker's pinned version into the engines cache.
import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { promisify } from 'node:util'
import { jarsDir, KAFKA } from '../src/engines/manifest.ts'
import { javaBinary } from '../src/engines/prerequisites.ts'

const run = promisify(execFile)

/** The kafka-tools jar: from the broker's jars if the manifest has it, else fetched next to them once. */
export async function kafkaToolsClasspath(cacheDir: string): Promise<string> {
  const brokerJars = jarsDir(cacheDir, KAFKA)
  if (readdirSync(brokerJars).some((name) => name.startsWith('kafka-tools-') && !name.includes('-api-'))) {
    return path.join(brokerJars, '*')
  }
  const toolsDir = path.join(cacheDir, `kafka-tools-${KAFKA.version}`)
  const jar = path.join(toolsDir, `kafka-tools-${KAFKA.version}.jar`)
  if (!existsSync(jar)) {
    await mkdir(toolsDir, { recursive: true })
    await run('mvn', [
      '-q',
      'dependency:copy',
      `-Dartifact=org.apache.kafka:kafka-tools:${KAFKA.version}`,
      `-DoutputDirectory=${toolsDir}`,
    ])
  }
  return [path.join(brokerJars, '*'), jar].join(path.delimiter)
}

export interface ProducerPerformanceResult {
  records: number
  recordsPerSecond: number
  megabytesPerSecond: number
  seconds: number
  settings: string[]
}

/**
 * Sends `records` messages drawn from `payloadFile` (one message per line: the real JSON rows, so record sizes and
 * compressibility match ours) with the settings our producer uses: idempotent, acks=all, lz4, large batches.
 */
export async function producerPerformance(options: {
  cacheDir: string
  brokers: string[]
  topic: string
  records: number
  payloadFile: string
  compression: string
}): Promise<ProducerPerformanceResult> {
  const settings = [
    `bootstrap.servers=${options.brokers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
    `compression.type=${options.compression}`,
    'batch.size=1048576',
    'linger.ms=20',
  ]
  const began = performance.now()
  const { stdout } = await run(
    javaBinary(),
    [
      '-Xmx1g',
      '-cp',
      await kafkaToolsClasspath(options.cacheDir),
      'org.apache.kafka.tools.ProducerPerformance',
      '--topic',
      options.topic,
      '--num-records',
      String(options.records),
      '--payload-file',
      options.payloadFile,
      '--throughput',
      '-1',
      '--producer-props',
      ...settings,
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  )
  const seconds = (performance.now() - began) / 1000
  // The final line sums up the run (the interim ones have no percentiles):
  // "1219567 records sent, 108512.1 records/sec (26.81 MB/sec), 2610.32 ms avg latency, …, 3582 ms 99.9th."
  const final = stdout.split('\n').find((line) => line.includes(' 50th'))
  const match = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\)/.exec(final ?? '')
  if (!match) throw new Error(`unexpected ProducerPerformance output:\n${stdout.slice(-2000)}`)
  const [records, perSecond, megabytes] = match.slice(1, 4).map(Number)
  return {
    records: records as number,
    recordsPerSecond: Math.round(perSecond as number),
    megabytesPerSecond: megabytes as number,
    seconds,
    settings: settings.slice(1),
  }
}
