// topic → CSV batch objects, exactly once: Kafka input → decode processor → batch output (+ dead letters).
//
// The order that makes it exactly once, per batch: dead letters sent → object created and acknowledged by the
// store (a folder or a bucket) → offset committed. Restarting anywhere in between replays the batch into the same
// key. On every assignment a partition resumes from the first offset its files lack (the committed offset
// only in a folder new to it), so a commit lost in a crash costs nothing, a deleted file is read again, and an
// open batch is kept only if it still starts there. A member that may have lost a partition (a refused commit,
// a session that may have expired) stops writing it until the group says which partitions are its own.
import type { ObjectStore } from '../storage/object-store.ts'
import { checkBatchStore } from './batch-files.ts'
import type { InputEvent, KafkaRecordIn } from './input-kafka.ts'
import { KafkaGroupInput } from './input-kafka.ts'
import type { KafkaClients } from './kafka-clients.ts'
import { BatchFilesOutput, type WrittenBatch } from './output-batch-files.ts'
import { DeadLetterOutput } from './output-dead-letters.ts'
import { decodeToCsvLine } from './processor-decode.ts'

export const CONSUME_DEFAULTS = {
  groupId: 'urban_traffic_batch_writer',
  idleTimeoutSeconds: 60,
} as const

export interface ConsumeOptions {
  topic: string
  deadLetterTopic: string
  groupId: string
  /** Where the batch objects go: a folder or a bucket prefix (see src/storage/open-store.ts). */
  store: ObjectStore
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
  /** Each batch object this run created. */
  onBatch?: (batch: WrittenBatch) => void
  /** Something the user must know that does not stop the run (e.g. offsets deleted by retention). */
  onWarning?: (message: string) => void
}

export interface ConsumeStats {
  /** Messages read and placed in an open batch (or sent to dead letters). */
  consumed: number
  /** Rows written to batch files (by this run: not those of a batch another member wrote first). */
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
  // A store that cannot be read stops the run before it joins the group.
  await checkBatchStore(options.store)
  const input = new KafkaGroupInput(clients, { topic: options.topic, groupId: options.groupId })
  const deadLetters = new DeadLetterOutput(clients, {
    sourceTopic: options.topic,
    topic: options.deadLetterTopic,
  })
  await clients.checkReachable()
  await clients.ensureTopic(options.topic, options.partitions)
  await deadLetters.connect()
  await input.connect()
  // The files are checked against the topic's identity, known once connected.
  const output = new BatchFilesOutput({
    store: options.store,
    topic: options.topic,
    topicId: input.topicId,
    batchSize: options.batchSize,
  })
  const writer = new BatchWriter(input, output, deadLetters, options)
  try {
    await writer.readUntilDone(began)
  } finally {
    await input.close()
    await deadLetters.close()
    await output.close()
  }
  writer.stats.deadLetters = deadLetters.sent
  writer.stats.seconds = (performance.now() - began) / 1000
  return writer.stats
}

/** The steps of one run: assignments resume partitions, records fill batches, full batches are written. */
class BatchWriter {
  readonly stats: ConsumeStats = {
    consumed: 0,
    rows: 0,
    files: 0,
    deadLetters: 0,
    scenarioRows: 0,
    refusedCommits: 0,
    missingOffsets: 0,
    seconds: 0,
  }
  readonly #input: KafkaGroupInput
  readonly #output: BatchFilesOutput
  readonly #deadLetters: DeadLetterOutput
  readonly #options: ConsumeOptions
  /** Offsets lost to retention, per partition: set (not added) on each assignment, which sees them again. */
  readonly #missing = new Map<number, bigint>()

  constructor(
    input: KafkaGroupInput,
    output: BatchFilesOutput,
    deadLetters: DeadLetterOutput,
    options: ConsumeOptions,
  ) {
    this.#input = input
    this.#output = output
    this.#deadLetters = deadLetters
    this.#options = options
  }

  /** Reads and writes until stopped, or — unless following — until drained or idle with every batch written. */
  async readUntilDone(began: number): Promise<void> {
    const options = this.#options
    let lastActivity = performance.now()
    while (!options.signal?.aborted) {
      const event = await this.#input.read()
      if (event.kind === 'assignment') {
        await this.#assign(event)
        lastActivity = performance.now()
        continue
      }
      for (const { partition, records } of event.partitions) {
        if (!(await this.#append(partition, records))) {
          // A rebalance is under way: wait for it, then the next read reports the new assignment.
          await this.#input.settled()
          break
        }
      }
      // Measured after the work: writing a batch may take longer than the idle timeout on a busy machine.
      if (event.partitions.length > 0) lastActivity = performance.now()
      this.stats.seconds = (performance.now() - began) / 1000
      options.onProgress?.(this.stats)
      const idle = performance.now() - lastActivity >= options.idleTimeoutMs
      if ((this.#drained() || idle) && (await this.#flushAll())) {
        if (!options.follow) return
        lastActivity = performance.now()
      }
    }
  }

  /** Drops the batches of partitions taken away, and resumes each assigned one where its files end. */
  async #assign(event: Extract<InputEvent, { kind: 'assignment' }>): Promise<void> {
    for (const partition of this.#output.partitions()) {
      if (!event.partitions.includes(partition)) {
        this.#output.drop(partition)
        this.#deadLetters.drop(partition)
      }
    }
    for (const partition of event.partitions) {
      const position = event.positions.get(partition) ?? { earliest: 0n }
      const resumed = await this.#output.resume(partition, position)
      if (resumed.missing > 0n && this.#missing.get(partition) !== resumed.missing) {
        this.#options.onWarning?.(
          `${this.#options.topic} partition ${partition}: ${resumed.missing} offset(s) before ${position.earliest} ` +
            'were deleted by retention before they were written to batch files; those rows are lost',
        )
        this.#missing.set(partition, resumed.missing)
      }
      // Dead letters are kept only with the open batch they belong to.
      if (!this.#output.hasPending(partition)) this.#deadLetters.drop(partition)
      this.#input.seek(partition, resumed.from)
      // Objects past the group's offset were written by a member whose commit was lost (refused in a rebalance, or
      // it stopped before committing): nobody else will commit past them, and there may be nothing left to read.
      const behind = resumed.stored > (position.committed ?? position.earliest)
      if (behind && !(await this.#commit(partition, resumed.stored))) return
    }
    this.stats.missingOffsets = Number([...this.#missing.values()].reduce((sum, n) => sum + n, 0n))
    for (const partition of event.partitions) {
      if (this.#output.isFull(partition)) await this.#flush(partition)
    }
  }

  /** Appends a partition's records; false when a full batch could not be written (the rest is read again). */
  async #append(partition: number, records: KafkaRecordIn[]): Promise<boolean> {
    for (const { offset, value, scenario } of records) {
      if (!this.#output.expects(partition, offset)) continue
      const decoded = decodeToCsvLine(value, scenario)
      if (!decoded.ok) this.#deadLetters.add({ partition, offset, value, reason: decoded.reason })
      if (!decoded.ok && decoded.scenario !== undefined) this.stats.scenarioRows += 1
      const full = this.#output.append(partition, offset, decoded.ok ? decoded.line : undefined)
      this.stats.consumed += 1
      if (!full) continue
      const outcome = await this.#flush(partition)
      if (outcome === 'stopped') return false
      // Reading continues elsewhere: the rest of these records are fetched again if needed.
      if (outcome === 'moved') return true
    }
    return true
  }

  /** Writes one partition's batch, if it has one. */
  async #flush(partition: number): Promise<FlushOutcome> {
    const input = this.#input
    if (!this.#output.hasPending(partition)) return 'in-place'
    if (!input.owns(partition)) {
      input.resync()
      return 'stopped'
    }
    await this.#deadLetters.send()
    this.stats.deadLetters = this.#deadLetters.sent
    const written = await this.#output.flush(partition)
    if (!written) return 'in-place'
    // A batch another member wrote first is counted by that member only.
    if (written.created) {
      this.stats.rows += written.rows
      this.stats.files += 1
      this.#options.onBatch?.(written)
    }
    // Refused: the file just written holds the right rows for its range; whoever writes the partition next prunes
    // any overlap with it, reads again what that leaves out, and commits past it.
    if (!(await this.#commit(partition, written.next))) return 'stopped'
    if (written.next === written.last + 1n) return 'in-place'
    input.seek(partition, written.next)
    return 'moved'
  }

  /**
   * Commits the first offset the partition's objects lack. When the group refuses (another member may own the
   * partition now), this member stops writing it until the group says which partitions are its own.
   */
  async #commit(partition: number, offset: bigint): Promise<boolean> {
    if (await this.#input.ack(partition, offset)) return true
    this.stats.refusedCommits += 1
    this.#output.drop(partition)
    this.#deadLetters.drop(partition)
    this.#input.resync()
    return false
  }

  async #flushAll(): Promise<boolean> {
    for (const partition of this.#output.partitions()) {
      if ((await this.#flush(partition)) === 'stopped') return false
    }
    return true
  }

  /** Whether a run that does not follow has read every partition up to its `drainTo` offset. */
  #drained(): boolean {
    const ends = this.#options.drainTo
    if (this.#options.follow || !ends || ends.length === 0) return false
    for (let partition = 0; partition < ends.length; partition++) {
      const end = ends[partition]
      if (end === undefined || (this.#output.position(partition) ?? -1n) < end) return false
    }
    return true
  }
}
