// CSV file → topic: CSV input → JSON processor (both on a worker thread) → Kafka topic output (+ rejects file).
// Batches are written in the codec of the clients' configuration (KAFKA_COMPRESSION / --compression).
// Rows go in large produce requests, and the next request is prepared while the broker stores the previous one:
// reading, encoding and sending overlap. One request in flight is enough: in a profile of a full run each of our
// threads waits a third of the time or more on the broker (which shares the cores), and it keeps a retry simple (nothing sent after a batch that has to be re-sent).
import { CsvFileInput } from './input-csv-file.ts'
import type { KafkaClients } from './kafka-clients.ts'
import { KafkaTopicOutput } from './output-kafka-topic.ts'
import { RejectsFileOutput } from './output-rejects.ts'
import { chunkMessages } from './processor-json-chunks.ts'

export const PRODUCE_DEFAULTS = {
  /** Messages per produce request at most: ~2.6 MB of JSON; fewer when the topic takes smaller batches. */
  requestRows: 10_000,
}

/** What a record adds to its value inside a batch (length, attributes, deltas, key, headers), at most. */
const RECORD_OVERHEAD_BYTES = 24
/** The batch header and the request around it. */
const BATCH_OVERHEAD_BYTES = 1024

/**
 * Splits messages into produce requests whose batch fits the topic's max.message.bytes even uncompressed (the
 * default codec): a stock cluster takes 1 MB batches, the local broker 10 MB.
 */
export function requestsOf(messages: Buffer[], maxBatchBytes: number): Buffer[][] {
  const budget = maxBatchBytes - BATCH_OVERHEAD_BYTES
  const requests: Buffer[][] = []
  let start = 0
  let bytes = 0
  for (let i = 0; i < messages.length; i++) {
    const size = (messages[i] as Buffer).length + RECORD_OVERHEAD_BYTES
    if (bytes + size > budget && i > start) {
      requests.push(messages.slice(start, i))
      start = i
      bytes = 0
    }
    bytes += size
  }
  if (start < messages.length) requests.push(messages.slice(start))
  return requests
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
      for (const request of requestsOf(chunkMessages(chunk), output.maxBatchBytes)) await send(request)
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
