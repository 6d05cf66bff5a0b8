// Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, Java client) on the same broker:
// the ceiling our producer is compared with.
import { runKafkaTool } from '../src/engines/kafka-tools.ts'

export interface ProducerPerformanceResult {
  records: number
  recordsPerSecond: number
  megabytesPerSecond: number
  seconds: number
  settings: string[]
}

/**
 * Sends `records` messages drawn from `payloadFile` (one message per line: the real JSON rows, so record sizes and
 * compressibility match ours) with the settings our producer uses: idempotent, acks=all, its codec, large batches.
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
  const { code, stdout, stderr } = await runKafkaTool(
    options.cacheDir,
    'org.apache.kafka.tools.ProducerPerformance',
    [
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
  )
  if (code !== 0) throw new Error(`ProducerPerformance failed (exit ${code}):\n${stderr.slice(-2000)}`)
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
