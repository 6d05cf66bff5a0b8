// topic → CSV batch files, exactly once: Kafka input → decode processor → batch-file output (+ dead letters).
//
// The order that makes it exactly once, per batch: dead letters sent → file written (temporary file, fsync,
// rename, fsync folder) → offset committed. Restarting anywhere in between replays the batch into the same file
// name. On every assignment a partition resumes from max(committed offset, end of its last file), so a commit
// lost in a crash costs nothing, and an open batch is kept only if it still starts where the files end.
import type { InputEvent, KafkaRecordIn } from './input-kafka.ts'
import { KafkaGroupInput } from './input-kafka.ts'
import type { KafkaClients } from './kafka-clients.ts'
import { BatchFilesOutput, type WrittenBatch } from './output-batch-files.ts'
import { DeadLetterOutput } from './output-dead-letters.ts'
import { decodeToCsvLine } from './processor-decode.ts'

export const CONSUME_DEFAULTS = {
  groupId: 'urban_traffic_batch_writer',
  batchSize: 100_000,
  idleTimeoutSeconds: 60,
} as const

export interface ConsumeOptions {
  topic: string
  deadLetterTopic: string
  groupId: string
  dir: string
  batchSize: number
  /** With nothing new for this long, open batches are written; then the run ends unless `follow`. */
  idleTimeoutMs: number
  follow: boolean
  /** Partitions for the topic if it has to be created (the consumer may start before the producer). */
  partitions: number
  signal?: AbortSignal
  onProgress?: (stats: ConsumeStats) => void
  onBatch?: (batch: WrittenBatch) => void
}

export interface ConsumeStats {
  /** Messages read and placed in an open batch (or sent to dead letters). */
  consumed: number
  /** Rows written to batch files. */
  rows: number
  files: number
  deadLetters: number
  /** Commits the group refused (a rebalance); harmless, the files say where to resume. */
  refusedCommits: number
  seconds: number
}

export async function consumeToBatchFiles(
  clients: KafkaClients,
  options: ConsumeOptions,
): Promise<ConsumeStats> {
  const began = performance.now()
  const stats: ConsumeStats = {
    consumed: 0,
    rows: 0,
    files: 0,
    deadLetters: 0,
    refusedCommits: 0,
    seconds: 0,
  }
  const input = new KafkaGroupInput(clients, { topic: options.topic, groupId: options.groupId })
  const output = new BatchFilesOutput({
    dir: options.dir,
    topic: options.topic,
    batchSize: options.batchSize,
  })
  const deadLetters = new DeadLetterOutput(clients, {
    sourceTopic: options.topic,
    topic: options.deadLetterTopic,
  })

  /** Writes one partition's batch; false when this member may not (any more): the caller re-reads assignments. */
  async function flush(partition: number): Promise<boolean> {
    if (!output.hasPending(partition)) return true
    if (!input.owns(partition)) return false
    await deadLetters.send()
    stats.deadLetters = deadLetters.sent
    const written = await output.flush(partition)
    if (!written) {
      input.resync()
      return false
    }
    if (written.file) {
      stats.rows += written.rows
      stats.files += 1
    }
    if (!(await input.ack(partition, written.last + 1n))) stats.refusedCommits += 1
    options.onBatch?.(written)
    return true
  }

  async function assign(event: Extract<InputEvent, { kind: 'assignment' }>): Promise<void> {
    for (const partition of output.partitions()) {
      if (!event.partitions.includes(partition)) {
        output.drop(partition)
        deadLetters.drop(partition)
      }
    }
    for (const partition of event.partitions) {
      const fromFiles = await output.recover(partition)
      const committed = event.positions.get(partition) ?? 0n
      const start = fromFiles !== undefined && fromFiles > committed ? fromFiles : committed
      const from = output.open(partition, start)
      if (from === start) deadLetters.drop(partition)
      input.seek(partition, from)
    }
    for (const partition of event.partitions) {
      if (output.isFull(partition)) await flush(partition)
    }
  }

  /** Appends a partition's records; false when a full batch could not be written (the rest is read again). */
  async function append(partition: number, records: KafkaRecordIn[]): Promise<boolean> {
    for (const { offset, value } of records) {
      if (!output.expects(partition, offset)) continue
      const decoded = decodeToCsvLine(value)
      if (!decoded.ok) deadLetters.add({ partition, offset, value, reason: decoded.reason })
      const full = output.append(partition, offset, decoded.ok ? decoded.line : undefined)
      stats.consumed += 1
      if (full && !(await flush(partition))) return false
    }
    return true
  }

  async function flushAll(): Promise<boolean> {
    for (const partition of output.partitions()) {
      if (!(await flush(partition))) return false
    }
    return true
  }

  await output.connect()
  await clients.checkReachable()
  await clients.ensureTopic(options.topic, options.partitions)
  await deadLetters.connect()
  await input.connect()
  try {
    let lastActivity = performance.now()
    while (!options.signal?.aborted) {
      const event = await input.read()
      if (event.kind === 'assignment') {
        await assign(event)
        lastActivity = performance.now()
        continue
      }
      for (const { partition, records } of event.partitions) {
        if (!(await append(partition, records))) {
          // A rebalance is under way: wait for it, then the next read reports the new assignment.
          await input.settled()
          break
        }
      }
      // Measured after the work: writing a batch may take longer than the idle timeout on a busy machine.
      if (event.partitions.length > 0) lastActivity = performance.now()
      stats.seconds = (performance.now() - began) / 1000
      options.onProgress?.(stats)
      if (performance.now() - lastActivity >= options.idleTimeoutMs && (await flushAll())) {
        if (!options.follow) break
        lastActivity = performance.now()
      }
    }
  } finally {
    await input.close()
    await deadLetters.close()
    await output.close()
  }
  stats.deadLetters = deadLetters.sent
  stats.seconds = (performance.now() - began) / 1000
  return stats
}
