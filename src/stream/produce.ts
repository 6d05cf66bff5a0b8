// CSV file → topic: CSV input → JSON processor → Kafka topic output (+ rejects file). Rows are sent in large
// requests, and the next request is built while the broker stores the previous one, so the file is read, encoded
// and sent concurrently with one request in flight (what the idempotent producer allows).
import type { CompressionAlgorithmValue } from '@platformatic/kafka'
import { encodeJsonMessage } from '../schema/json.ts'
import { CsvFileInput } from './input-csv-file.ts'
import type { KafkaClients } from './kafka-clients.ts'
import { KafkaTopicOutput } from './output-kafka-topic.ts'
import { RejectsFileOutput } from './output-rejects.ts'

export const PRODUCE_DEFAULTS = {
  /** Messages per produce request: ~1 MB of JSON, under the broker's 10 MB message.max.bytes once compressed. */
  requestRows: 10_000,
  compression: 'lz4' as CompressionAlgorithmValue,
}

export interface ProduceOptions {
  file: string
  topic: string
  /** Partitions of the topic if it has to be created. */
  partitions: number
  rejectsFile: string
  /** Rows per second to replay at (a live feed); full speed when absent. */
  rate?: number
  /** Stop after this many data rows of the file (sent or rejected). */
  limit?: number
  requestRows?: number
  compression?: CompressionAlgorithmValue
  signal?: AbortSignal
  onProgress?: (stats: ProduceStats) => void
}

export interface ProduceStats {
  sent: number
  rejected: number
  seconds: number
  topicCreated: boolean
}

/** Waits so that `count` rows are not sent before count/rate seconds into the run. */
async function pace(count: number, rate: number, began: number, signal?: AbortSignal): Promise<void> {
  const due = began + (count / rate) * 1000
  const wait = due - performance.now()
  if (wait > 0 && !signal?.aborted) await new Promise((resolve) => setTimeout(resolve, wait))
}

export async function produceCsvToTopic(
  clients: KafkaClients,
  options: ProduceOptions,
): Promise<ProduceStats> {
  const began = performance.now()
  const input = new CsvFileInput(options.file)
  const output = new KafkaTopicOutput(clients, {
    topic: options.topic,
    partitions: options.partitions,
    compression: options.compression ?? PRODUCE_DEFAULTS.compression,
  })
  const rejects = new RejectsFileOutput(options.rejectsFile)
  const stats: ProduceStats = { sent: 0, rejected: 0, seconds: 0, topicCreated: false }
  // At a replay rate, small requests ten times a second keep the feed smooth.
  const requestRows = options.rate
    ? Math.max(1, Math.min(Math.ceil(options.rate / 10), options.requestRows ?? PRODUCE_DEFAULTS.requestRows))
    : (options.requestRows ?? PRODUCE_DEFAULTS.requestRows)
  const limit = options.limit ?? Number.POSITIVE_INFINITY

  let inFlight: Promise<void> = Promise.resolve()
  let queued = 0
  async function send(values: string[]): Promise<void> {
    await inFlight
    if (options.rate) await pace(queued + values.length, options.rate, began, options.signal)
    queued += values.length
    inFlight = output.write(values).then(() => {
      stats.sent += values.length
      stats.seconds = (performance.now() - began) / 1000
      options.onProgress?.(stats)
    })
    // Reported by the next `await inFlight`; this only keeps Node from calling it unhandled meanwhile.
    inFlight.catch(() => undefined)
  }

  await rejects.connect()
  await input.connect()
  try {
    await output.connect()
    stats.topicCreated = output.created
    let values: string[] = []
    let read = 0
    while (read < limit && !options.signal?.aborted) {
      const row = await input.read()
      if (!row) break
      read += 1
      if (row.ok) {
        values.push(encodeJsonMessage(row.record))
        if (values.length >= requestRows) {
          await send(values)
          values = []
        }
      } else {
        rejects.write({ lineNumber: row.lineNumber, reason: row.reason, line: row.line })
        stats.rejected += 1
      }
    }
    if (values.length > 0) await send(values)
    await inFlight
  } finally {
    await input.close()
    await rejects.close()
    await output.close()
  }
  stats.seconds = (performance.now() - began) / 1000
  return stats
}
