// Output stage: messages to a topic as an idempotent producer (acks=all). Each write sends one record batch per
// partition (record-batch.ts) in one Produce request per partition leader; the producer id and the partitions'
// sequence numbers in the batches make a retried write land once, including across a broker restart.
// Lifecycle: connect (topic created if missing, producer id obtained) → write → close.
import pRetry from 'p-retry'
import { type KafkaClients, type KafkaProducer, kafkaError, LEADER_RETRY } from './kafka-clients.ts'
import type { ConnectionPool } from './kafka-internals.ts'
import {
  type BatchProducer,
  encodeRecordBatch,
  type HeadedMessage,
  nextSequence,
  type ProduceResponse,
  produceBatches,
} from './record-batch.ts'

export interface KafkaTopicOptions {
  topic: string
  /** Partitions of the topic if it has to be created. */
  partitions: number
}

/** How long the broker may take to have a batch on all in-sync replicas before it answers with a timeout. */
const PRODUCE_TIMEOUT_MS = 30_000
const ALL_IN_SYNC_REPLICAS = -1

interface PendingBatch {
  partition: number
  records: number
  batch: Buffer
}

/** The partitions that a Produce response carried by an error reports as written. */
function writtenPartitions(error: unknown): number[] {
  const response = (error as { response?: ProduceResponse } | undefined)?.response
  return (response?.responses ?? []).flatMap((topic) =>
    topic.partitionResponses.filter((p) => p.errorCode === 0).map((p) => p.index),
  )
}

export class KafkaTopicOutput {
  readonly #clients: KafkaClients
  readonly #options: KafkaTopicOptions
  /** Metadata (partition leaders) and the producer id; the batches go out through #connections. */
  #producer: KafkaProducer | undefined
  #connections: ConnectionPool | undefined
  #producerId = { producerId: 0n, producerEpoch: 0 }
  /** Sequence number of the next record of each partition. */
  readonly #sequences = new Map<number, number>()
  #partitions = 1
  /** Round-robin over the partitions. */
  #nextPartition = 0
  /** Whether connect() had to create the topic. */
  created = false
  /** The largest record batch the topic accepts (its max.message.bytes), known after connect(). */
  maxBatchBytes = 0

  constructor(clients: KafkaClients, options: KafkaTopicOptions) {
    this.#clients = clients
    this.#options = options
  }

  async connect(): Promise<void> {
    const { topic } = this.#options
    await this.#clients.checkReachable()
    this.created = await this.#clients.ensureTopic(topic, this.#options.partitions)
    this.maxBatchBytes = await this.#clients.maxBatchBytes(topic)
    this.#producer = this.#clients.producer('producer', LEADER_RETRY.perAttempt)
    const metadata = await this.#producer.metadata({ topics: [topic] })
    this.#partitions = metadata.topics.get(topic)?.partitionsCount ?? 1
    try {
      const { producerId, producerEpoch } = await this.#producer.initIdempotentProducer({})
      this.#producerId = { producerId, producerEpoch }
    } catch (error) {
      throw kafkaError(error, `getting a producer id for ${topic}`)
    }
    this.#connections = this.#clients.connectionPool('producer')
  }

  /**
   * Sends the values and resolves once the broker has them on all in-sync replicas.
   * Call it again only after the previous write resolved: one request in flight keeps the sequences in order.
   */
  async write(values: (Buffer | HeadedMessage)[]): Promise<void> {
    const { topic } = this.#options
    const byPartition = new Map<number, (Buffer | HeadedMessage)[]>()
    for (const value of values) {
      const partition = this.#nextPartition++ % this.#partitions
      const messages = byPartition.get(partition)
      if (messages) messages.push(value)
      else byPartition.set(partition, [value])
    }
    let pending: PendingBatch[] = [...byPartition].map(([partition, messages]) => ({
      partition,
      records: messages.length,
      batch: encodeRecordBatch(messages, this.#batchProducer(partition)),
    }))
    // A killed leader never answers. Re-send only the batches not acknowledged, unchanged, to the leaders fresh
    // metadata names: their sequence numbers did not advance, so a batch the old leader had already replicated is
    // recognised by the new one, not written twice.
    await pRetry(
      async () => {
        const failure = await this.#send(pending)
        if (!failure) return
        pending = failure.pending
        this.#producer?.clearMetadata()
        throw kafkaError(failure.error, `sending ${values.length} messages to ${topic}`)
      },
      {
        retries: Number.POSITIVE_INFINITY,
        factor: 1,
        minTimeout: LEADER_RETRY.pauseMs,
        maxRetryTime: LEADER_RETRY.totalMs,
      },
    )
  }

  #batchProducer(partition: number): BatchProducer {
    return {
      ...this.#producerId,
      firstSequence: this.#sequences.get(partition) ?? 0,
      compression: this.#clients.compression,
    }
  }

  /** Sends each leader its batches; resolves the batches not acknowledged and why, or undefined when all were. */
  async #send(batches: PendingBatch[]): Promise<{ pending: PendingBatch[]; error: unknown } | undefined> {
    const { topic } = this.#options
    const producer = this.#producer
    const connections = this.#connections
    if (!producer || !connections) throw new Error('KafkaTopicOutput.write before connect')
    let metadata: Awaited<ReturnType<KafkaProducer['metadata']>>
    try {
      metadata = await producer.metadata({ topics: [topic] })
    } catch (error) {
      return { pending: batches, error }
    }
    const byLeader = new Map<number, PendingBatch[]>()
    for (const pending of batches) {
      const leader = metadata.topics.get(topic)?.partitions[pending.partition]?.leader ?? -1
      byLeader.set(leader, [...(byLeader.get(leader) ?? []), pending])
    }
    const acknowledged = new Set<number>()
    let lastError: unknown
    await Promise.all(
      [...byLeader].map(async ([leader, leaderBatches]) => {
        try {
          const broker = metadata.brokers.get(leader)
          if (!broker) throw new Error(`partition leader ${leader} of ${topic} is unknown`)
          const connection = await connections.get(broker)
          await produceBatches.async(
            connection,
            ALL_IN_SYNC_REPLICAS,
            PRODUCE_TIMEOUT_MS,
            topic,
            leaderBatches,
          )
          for (const { partition } of leaderBatches) acknowledged.add(partition)
        } catch (error) {
          lastError = error
          // A response with errors still says which partitions took their batch.
          for (const partition of writtenPartitions(error)) acknowledged.add(partition)
        }
      }),
    )
    for (const { partition, records } of batches) {
      if (acknowledged.has(partition)) {
        this.#sequences.set(partition, nextSequence(this.#sequences.get(partition) ?? 0, records))
      }
    }
    const pending = batches.filter((b) => !acknowledged.has(b.partition))
    return pending.length === 0 ? undefined : { pending, error: lastError }
  }

  async close(): Promise<void> {
    await this.#connections?.close().catch(() => undefined)
    await this.#producer?.close().catch(() => undefined)
  }
}
