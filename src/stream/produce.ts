// CSV file → topic: CSV input → JSON processor (both on a worker thread) → Kafka topic output (+ rejects file).
// Rows go in large produce requests, and the next request is prepared while the broker stores the previous one:
// reading, encoding and sending overlap, with one request in flight (what the idempotent producer allows).
import type { CompressionAlgorithmValue } from '@platformatic/kafka'
import { CsvFileInput } from './input-csv-file.ts'
import type { KafkaClients } from './kafka-clients.ts'
import { KafkaTopicOutput } from './output-kafka-topic.ts'
import { RejectsFileOutput } from './output-rejects.ts'
import { chunkMessages } from './processor-json-chunks.ts'

export const PRODUCE_DEFAULTS = {
  /** Messages per produce request: ~2.6 MB of JSON, ~0.5 MB compressed, under the broker's message.max.bytes. */
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
  const wait = began + (count / rate) * 1000 - performance.now()
  if (wait > 0 && !signal?.aborted) await new Promise((resolve) => setTimeout(resolve, wait))
}

export async function produceCsvToTopic(
  clients: KafkaClients,
  options: ProduceOptions,
): Promise<ProduceStats> {
  const began = performance.now()
  const requestRows = options.requestRows ?? PRODUCE_DEFAULTS.requestRows
  // At a replay rate, small requests ten times a second keep the feed smooth.
  const chunkRows = options.rate
    ? Math.max(1, Math.min(Math.ceil(options.rate / 10), requestRows))
    : requestRows
  const input = new CsvFileInput(options.file, { chunkRows, limit: options.limit })
  const output = new KafkaTopicOutput(clients, {
    topic: options.topic,
    partitions: options.partitions,
    compression: options.compression ?? PRODUCE_DEFAULTS.compression,
  })
  const rejects = new RejectsFileOutput(options.rejectsFile)
  const stats: ProduceStats = { sent: 0, rejected: 0, seconds: 0, topicCreated: false }

  let inFlight: Promise<void> = Promise.resolve()
  let queued = 0
  async function send(messages: Buffer[]): Promise<void> {
    await inFlight
    if (options.rate) await pace(queued + messages.length, options.rate, began, options.signal)
    queued += messages.length
    inFlight = output.write(messages).then(() => {
      stats.sent += messages.length
      stats.seconds = (performance.now() - began) / 1000
      options.onProgress?.(stats)
    })
    // Reported by the next `await inFlight`; this only keeps Node from calling it unhandled meanwhile.
    inFlight.catch(() => undefined)
  }

  await rejects.connect()
  await input.connect()
  try {
    // The first chunk surfaces a missing or foreign file before anything is created on the broker.
    let chunk = await input.read()
    await output.connect()
    stats.topicCreated = output.created
    while (chunk && !options.signal?.aborted) {
      for (const reject of chunk.rejects) rejects.write(reject)
      stats.rejected += chunk.rejects.length
      if (chunk.ends.length > 0) await send(chunkMessages(chunk))
      chunk = await input.read()
    }
    await inFlight
  } finally {
    await input.close()
    await rejects.close()
    await output.close()
  }
  stats.seconds = (performance.now() - began) / 1000
  return stats
}
