// topic → CSV batch files, exactly once: Kafka input → decode processor → batch-file output (+ dead letters).
//
// The order that makes it exactly once, per batch: dead letters sent → file written (temporary file, fsync,
// rename, fsync folder) → offset committed. Restarting anywhere in between replays the batch into the same file
// name. On every assignment a partition resumes from the first offset its files lack (the committed offset
// only in a folder new to it), so a commit lost in a crash costs nothing, a deleted file is read again, and an
// open batch is kept only if it still starts there. A member that may have lost a partition (a refused commit,
// a session that may have expired) stops writing it until the group says which partitions are its own.
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
  /**
   * The end offset of each partition when the topic is known to be complete (`traffic up` after producing): once
   * every partition is read up to it, the open batches are written and the run ends without the idle wait
   * (unless it follows).
   */
  drainTo?: bigint[]
  /** Partitions for the topic if it has to be created (the consumer may start before the producer). */
  partitions: number
  signal?: AbortSignal
  onProgress?: (stats: ConsumeStats) => void
  onBatch?: (batch: WrittenBatch) => void
  /** Something the user must know that does not stop the run (e.g. offsets deleted by retention). */
  onWarning?: (message: string) => void
}

export interface ConsumeStats {
  /** Messages read and placed in an open batch (or sent to dead letters). */
  consumed: number
  /** Rows written to batch files. */
  rows: number
  files: number
  deadLetters: number
  /** Rows a live scenario made up (header `traffic.scenario`): set aside to the dead letters, not in the files. */
  scenarioRows: number
  /** Commits the group refused: this member stopped writing the partition until its next assignment. */
  refusedCommits: number
  /** Offsets the batch files lack because the topic no longer held them (deleted by retention before read). */
  missingOffsets: number
  seconds: number
}

/** How a flush left the partition: reading goes on in place, goes on elsewhere, or stops until reassigned. */
type FlushOutcome = 'in-place' | 'moved' | 'stopped'

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
    scenarioRows: 0,
    refusedCommits: 0,
    missingOffsets: 0,
    seconds: 0,
  }
  const input = new KafkaGroupInput(clients, { topic: options.topic, groupId: options.groupId })
  const deadLetters = new DeadLetterOutput(clients, {
    sourceTopic: options.topic,
    topic: options.deadLetterTopic,
  })

  /** Writes one partition's batch, if it has one. */
  async function flush(partition: number): Promise<FlushOutcome> {
    if (!output.hasPending(partition)) return 'in-place'
    if (!input.owns(partition)) {
      input.resync()
      return 'stopped'
    }
    await deadLetters.send()
    stats.deadLetters = deadLetters.sent
    const written = await output.flush(partition)
    if (!written) {
      input.resync()
      return 'stopped'
    }
    stats.rows += written.rows
    stats.files += 1
    options.onBatch?.(written)
    if (!(await input.ack(partition, written.next))) {
      // Another member may own the partition now. The file just written holds the right rows for its range;
      // whoever writes the partition next prunes any overlap with it and reads again what that leaves out.
      stats.refusedCommits += 1
      output.drop(partition)
      deadLetters.drop(partition)
      input.resync()
      return 'stopped'
    }
    if (written.next === written.last + 1n) return 'in-place'
    input.seek(partition, written.next)
    return 'moved'
  }

  /** Offsets lost to retention, per partition: set (not added) on each assignment, which sees them again. */
  const missing = new Map<number, bigint>()

  async function assign(event: Extract<InputEvent, { kind: 'assignment' }>): Promise<void> {
    for (const partition of output.partitions()) {
      if (!event.partitions.includes(partition)) {
        output.drop(partition)
        deadLetters.drop(partition)
      }
    }
    for (const partition of event.partitions) {
      const position = event.positions.get(partition) ?? { earliest: 0n }
      const resumed = await output.resume(partition, position)
      if (resumed.missing > 0n && missing.get(partition) !== resumed.missing) {
        options.onWarning?.(
          `${options.topic} partition ${partition}: ${resumed.missing} offset(s) before ${position.earliest} ` +
            'were deleted by retention before they were written to batch files; those rows are lost',
        )
        missing.set(partition, resumed.missing)
      }
      // Dead letters are kept only with the open batch they belong to.
      if (!output.hasPending(partition)) deadLetters.drop(partition)
      input.seek(partition, resumed.from)
    }
    stats.missingOffsets = Number([...missing.values()].reduce((sum, n) => sum + n, 0n))
    for (const partition of event.partitions) {
      if (output.isFull(partition)) await flush(partition)
    }
  }

  /** Appends a partition's records; false when a full batch could not be written (the rest is read again). */
  async function append(partition: number, records: KafkaRecordIn[]): Promise<boolean> {
    for (const { offset, value, scenario } of records) {
      if (!output.expects(partition, offset)) continue
      const decoded = decodeToCsvLine(value, scenario)
      if (!decoded.ok) deadLetters.add({ partition, offset, value, reason: decoded.reason })
      if (!decoded.ok && decoded.scenario !== undefined) stats.scenarioRows += 1
      const full = output.append(partition, offset, decoded.ok ? decoded.line : undefined)
      stats.consumed += 1
      if (!full) continue
      const outcome = await flush(partition)
      if (outcome === 'stopped') return false
      // Reading continues elsewhere: the rest of these records are fetched again if needed.
      if (outcome === 'moved') return true
    }
    return true
  }

  async function flushAll(): Promise<boolean> {
    for (const partition of output.partitions()) {
      if ((await flush(partition)) === 'stopped') return false
    }
    return true
  }

  await clients.checkReachable()
  await clients.ensureTopic(options.topic, options.partitions)
  await deadLetters.connect()
  await input.connect()
  // The files are checked against the topic's identity, known once connected.
  const output = new BatchFilesOutput({
    dir: options.dir,
    topic: options.topic,
    topicId: input.topicId,
    batchSize: options.batchSize,
  })
  /** Whether a run that does not follow has read every partition up to its `drainTo` offset. */
  function drained(): boolean {
    const ends = options.drainTo
    if (options.follow || !ends || ends.length === 0) return false
    for (let partition = 0; partition < ends.length; partition++) {
      const end = ends[partition]
      if (end === undefined || (output.position(partition) ?? -1n) < end) return false
    }
    return true
  }

  try {
    await output.connect()
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
      if ((drained() || performance.now() - lastActivity >= options.idleTimeoutMs) && (await flushAll())) {
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
