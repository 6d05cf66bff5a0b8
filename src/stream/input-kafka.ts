// Input stage: a consumer-group member that reads one topic from positions the caller sets.
//
// It runs its own fetch loop instead of the client's MessagesStream so that positions are exact: every fetch is
// tagged with the assignment generation it was issued under, and a response that arrives after the assignment
// changed is thrown away. A rebalance therefore can never deliver a record the caller did not ask for, nor skip
// one. Commits are fenced the same way: each is sent under the generation whose assignment the caller is acting
// on, and refused by the coordinator once the group has moved on (the client's own commit would instead rejoin and
// send it again under the new generation, where it can overwrite the newer offset of the partition's next owner).
// Lifecycle: connect → read (records or a new assignment) / ack (commit) → close.
import { type Consumer, type ConsumerGroupJoinPayload, ListOffsetTimestamps } from '@platformatic/kafka'
import { TrafficError } from '../errors.ts'
import { findKafkaError, type KafkaClients, kafkaError, SESSION_TIMEOUT_MS } from './kafka-clients.ts'
import { type ConnectionPool, IS_CONTROL, offsetCommitV8, type RecordsBatch } from './kafka-internals.ts'
import type { PartitionPosition } from './output-batch-files.ts'
import { scenarioOf } from './scenario-header.ts'

export interface KafkaRecordIn {
  offset: bigint
  value: Buffer | null
  /** The scenario that made the record up (its `traffic.scenario` header); undefined for a real row. */
  scenario?: string
}

export interface PartitionRecords {
  partition: number
  records: KafkaRecordIn[]
  /** Where the next fetch of this partition starts (past control records too). */
  next: bigint
}

export type InputEvent =
  /**
   * The group gave this member a new set of partitions (all of them, not a delta). `positions` holds, for each,
   * the committed offset (if any) and the first offset still on the broker. Nothing is read until the caller
   * `seek`s each partition.
   */
  | { kind: 'assignment'; partitions: number[]; positions: Map<number, PartitionPosition> }
  /** What one fetch returned (possibly nothing, after the broker's wait time). */
  | { kind: 'records'; partitions: PartitionRecords[] }

export interface KafkaInputOptions {
  topic: string
  groupId: string
  /** How long the broker may hold a fetch when there is nothing new, in ms. */
  maxWaitMs?: number
}

interface FetchResult {
  generation: number
  partitions: PartitionRecords[]
}

/** One generation of the group as this member saw it: who it was, and the partitions it was given. */
interface Membership {
  generationId: number
  memberId: string
  partitions: number[]
}

/** What the coordinator answers a commit sent under a generation the group has left (or is leaving). */
const REJOIN_ERRORS = ['REBALANCE_IN_PROGRESS', 'ILLEGAL_GENERATION', 'UNKNOWN_MEMBER_ID']

const PARTITION_MAX_BYTES = 1024 * 1024
const MAX_BYTES = 4 * PARTITION_MAX_BYTES

export class KafkaGroupInput {
  readonly #clients: KafkaClients
  readonly #topic: string
  readonly #groupId: string
  readonly #maxWaitMs: number
  #consumer: Consumer | undefined
  #pool: ConnectionPool | undefined
  /** Commits go to the group coordinator on connections of their own, never queued behind a waiting fetch. */
  #coordinatorPool: ConnectionPool | undefined
  /** Bumped on every (re)join: results of fetches issued before are stale. */
  #generation = 0
  #assignmentPending = false
  #rebalancing = false
  /** The latest generation the group formed with this member in it. */
  #joined: Membership | undefined
  /** The generation of the assignment last reported by read(): commits are sent under it. */
  #reported: Membership | undefined
  #positions = new Map<number, bigint>()
  #prefetch: Promise<FetchResult> | undefined
  #failure: Error | undefined
  #topicId = ''
  /** When the last heartbeat the coordinator accepted was sent: the group counts this member in until then plus
   * the session timeout. A member paused longer (a stalled machine, SIGSTOP) may have lost its partitions. */
  #heartbeatSent = 0
  #confirmedAt = 0

  constructor(clients: KafkaClients, options: KafkaInputOptions) {
    this.#clients = clients
    this.#topic = options.topic
    this.#groupId = options.groupId
    this.#maxWaitMs = options.maxWaitMs ?? 500
  }

  async connect(): Promise<void> {
    const consumer = this.#clients.consumer('consumer', this.#groupId)
    this.#consumer = consumer
    this.#pool = this.#clients.connectionPool('fetch')
    this.#coordinatorPool = this.#clients.connectionPool('commit')
    consumer.on('consumer:group:rebalance', () => {
      this.#rebalancing = true
    })
    consumer.on('consumer:group:join', (joined: ConsumerGroupJoinPayload) => {
      const assignment = joined.assignments?.find((a) => a.topic === this.#topic)
      this.#joined = {
        generationId: joined.generationId ?? -1,
        memberId: joined.memberId,
        partitions: [...(assignment?.partitions ?? [])].sort((a, b) => a - b),
      }
      this.#rebalancing = false
      this.#assignmentPending = true
      this.#generation += 1
      this.#confirmedAt = performance.now()
    })
    consumer.on('consumer:heartbeat:start', () => {
      this.#heartbeatSent = performance.now()
    })
    consumer.on('consumer:heartbeat:end', () => {
      this.#confirmedAt = this.#heartbeatSent
    })
    // A failed rejoin is reported as an 'error' event; surface it from read() instead of crashing.
    consumer.on('error', (error: Error) => {
      this.#failure = error
    })
    consumer.topics.track(this.#topic)
    try {
      const metadata = await consumer.metadata({ topics: [this.#topic] })
      this.#topicId = metadata.topics.get(this.#topic)?.id ?? ''
      await consumer.joinGroup({})
    } catch (error) {
      throw kafkaError(error, `joining consumer group ${this.#groupId}`)
    }
  }

  /** The Kafka topic ID of the topic read: it changes when the topic is deleted and created again. */
  get topicId(): string {
    return this.#topicId
  }

  /**
   * True while this member may write results for the partition: assigned, no rebalance under way, and still a
   * member as far as the coordinator can tell (a heartbeat it accepted within the session timeout).
   */
  owns(partition: number): boolean {
    return !this.#rebalancing && !this.#assignmentPending && this.#inSession() && this.#isAssigned(partition)
  }

  #isAssigned(partition: number): boolean {
    return this.#reported?.partitions.includes(partition) ?? false
  }

  #inSession(): boolean {
    return performance.now() - this.#confirmedAt < SESSION_TIMEOUT_MS
  }

  /** Makes the next read report the assignment again (a write found its partition taken over meanwhile). */
  resync(): void {
    this.#assignmentPending = true
    this.#generation += 1
  }

  /** Resolves once no rebalance is under way and the coordinator has (again) accepted this member. */
  async settled(): Promise<void> {
    while ((this.#rebalancing || !this.#inSession()) && !this.#failure) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Where reading of an assigned partition continues. */
  seek(partition: number, offset: bigint): void {
    if (!this.#isAssigned(partition)) return
    this.#prefetch = undefined
    this.#positions.set(partition, offset)
  }

  async read(): Promise<InputEvent> {
    if (this.#failure) throw kafkaError(this.#failure, `consuming ${this.#topic}`)
    if (this.#assignmentPending) return this.#takeAssignment()
    const pending = this.#prefetch ?? this.#fetch(this.#generation)
    this.#prefetch = undefined
    const result = await pending
    if (result.generation !== this.#generation || this.#assignmentPending) return this.read()
    for (const { partition, next } of result.partitions) this.#positions.set(partition, next)
    // Overlap the next round trip with the caller's work on this one.
    this.#prefetch = this.#fetch(this.#generation)
    this.#prefetch.catch(() => undefined)
    return { kind: 'records', partitions: result.partitions.filter((p) => p.records.length > 0) }
  }

  /**
   * Commits `nextOffset` (the first offset not yet stored) for a partition of the assignment last read; false when
   * the group refused it (it has moved on to a newer generation, or is forming one) or the coordinator could not be
   * reached. It is never sent again under another generation: the caller reads the new assignment first.
   */
  async ack(partition: number, nextOffset: bigint): Promise<boolean> {
    const member = this.#reported
    if (!member || !this.#isAssigned(partition)) return false
    const consumer = this.#require()
    try {
      const metadata = await consumer.metadata({ topics: [this.#topic] })
      const coordinator = metadata.brokers.get(consumer.coordinatorId ?? -1)
      if (!coordinator || !this.#coordinatorPool) return false
      const connection = await this.#coordinatorPool.get(coordinator)
      await offsetCommitV8.api.async(connection, this.#groupId, member.generationId, member.memberId, null, [
        {
          name: this.#topic,
          partitions: [
            {
              partitionIndex: partition,
              committedOffset: nextOffset,
              committedLeaderEpoch: -1,
              committedMetadata: null,
            },
          ],
        },
      ])
      return true
    } catch (error) {
      // Refused because the group is forming a generation this member has not joined yet: nothing more is written
      // until it has (its client rejoins on its next heartbeat), since the partition may be another member's now.
      // Files are the source of truth: the partition's next owner resumes from them and commits past them.
      if (this.#joined === member && REJOIN_ERRORS.some((id) => findKafkaError(error as Error, id))) {
        this.#rebalancing = true
      }
      return false
    }
  }

  async close(): Promise<void> {
    this.#prefetch = undefined
    await this.#pool?.close().catch(() => undefined)
    await this.#coordinatorPool?.close().catch(() => undefined)
    const consumer = this.#consumer
    // Force: leave the group at once so the partitions move to the other members without waiting.
    if (consumer) await new Promise<void>((resolve) => consumer.close(true, () => resolve()))
  }

  #require(): Consumer {
    if (!this.#consumer) throw new TrafficError('KAFKA_ERROR', 'the Kafka input is not connected')
    return this.#consumer
  }

  async #takeAssignment(): Promise<InputEvent> {
    const consumer = this.#require()
    await this.settled()
    this.#assignmentPending = false
    this.#prefetch = undefined
    this.#positions.clear()
    const generation = this.#generation
    this.#reported = this.#joined
    const partitions = this.#reported?.partitions ?? []
    const positions = new Map<number, PartitionPosition>()
    if (partitions.length > 0) {
      try {
        const [committed, earliest] = await Promise.all([
          consumer.listCommittedOffsets({ topics: [{ topic: this.#topic, partitions }] }),
          consumer.listOffsets({ topics: [this.#topic], timestamp: ListOffsetTimestamps.EARLIEST }),
        ])
        for (const partition of partitions) {
          const commit = committed.get(this.#topic)?.[partition] ?? -1n
          const first = earliest.get(this.#topic)?.[partition] ?? 0n
          positions.set(partition, { earliest: first, ...(commit >= 0n ? { committed: commit } : {}) })
        }
      } catch (error) {
        if (this.#generation !== generation) return this.read()
        throw kafkaError(error, `reading the committed offsets of group ${this.#groupId}`)
      }
    }
    // The group moved on while we asked: report the newer assignment instead.
    if (this.#generation !== generation) return this.read()
    return { kind: 'assignment', partitions, positions }
  }

  async #fetch(generation: number): Promise<FetchResult> {
    const consumer = this.#require()
    const wanted = [...this.#positions]
    if (wanted.length === 0) {
      // Nothing assigned (more members than partitions): wait like an empty fetch would.
      await new Promise((resolve) => setTimeout(resolve, this.#maxWaitMs))
      return { generation, partitions: [] }
    }
    const requested = new Map(wanted)
    try {
      const metadata = await consumer.metadata({ topics: [this.#topic] })
      const topic = metadata.topics.get(this.#topic)
      if (!topic) throw new TrafficError('KAFKA_ERROR', `topic ${this.#topic} does not exist`)
      if (topic.id !== this.#topicId) {
        throw new TrafficError(
          'KAFKA_ERROR',
          `topic ${this.#topic} was deleted and created again while read`,
          {
            hint: "the batch files hold the old topic's rows: move them away, or start from nothing with `npm start -- --fresh`",
          },
        )
      }
      const byLeader = new Map<number, { partition: number; fetchOffset: bigint }[]>()
      for (const [partition, fetchOffset] of wanted) {
        const leader = topic.partitions[partition]?.leader ?? -1
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), { partition, fetchOffset }])
      }
      const responses = await Promise.all(
        [...byLeader].map(([node, partitions]) =>
          consumer.fetch({
            node,
            topics: [
              {
                topicId: topic.id,
                partitions: partitions.map((p) => ({
                  ...p,
                  partitionMaxBytes: PARTITION_MAX_BYTES,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
            maxWaitTime: this.#maxWaitMs,
            minBytes: 1,
            maxBytes: MAX_BYTES,
            connectionPool: this.#pool,
          }),
        ),
      )
      const partitions: PartitionRecords[] = []
      for (const response of responses) {
        for (const topicResponse of response.responses) {
          for (const partitionResponse of topicResponse.partitions) {
            const partition = partitionResponse.partitionIndex
            const from = requested.get(partition) ?? 0n
            partitions.push({ partition, ...decodeBatches(partitionResponse.records ?? [], from) })
          }
        }
      }
      return { generation, partitions }
    } catch (error) {
      if (generation !== this.#generation) return { generation, partitions: [] }
      if (error instanceof Error && findKafkaError(error, 'OFFSET_OUT_OF_RANGE')) {
        const at = wanted.map(([p, o]) => `partition ${p} at ${o}`).join(', ')
        throw new TrafficError('KAFKA_ERROR', `${this.#topic} no longer holds the offsets to read (${at})`, {
          hint: 'the data was deleted by retention or the topic was recreated; move the old batch files away',
          cause: error,
        })
      }
      throw kafkaError(error, `fetching from ${this.#topic}`)
    }
  }
}

/** Data records at or after `from` (a fetch returns whole batches, which may start earlier). */
function decodeBatches(batches: RecordsBatch[], from: bigint): { records: KafkaRecordIn[]; next: bigint } {
  const records: KafkaRecordIn[] = []
  let next = from
  for (const batch of batches) {
    const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
    if (end > next) next = end
    if (batch.attributes & IS_CONTROL) continue
    for (const record of batch.records) {
      const offset = batch.firstOffset + BigInt(record.offsetDelta)
      if (offset >= from) records.push({ offset, value: record.value, scenario: scenarioOf(record.headers) })
    }
  }
  return { records, next }
}
