// Output stage: JSON messages to a topic through one idempotent producer (acks=all). Each write is one produce
// request; the producer's sequence numbers make a retried request land once, including across a broker
// restart. Lifecycle: connect (topic created if missing) → write → close.
import { setTimeout as sleep } from 'node:timers/promises'
import { type KafkaClients, type KafkaProducer, kafkaError, LEADER_RETRY } from './kafka-clients.ts'

export interface KafkaTopicOptions {
  topic: string
  /** Partitions of the topic if it has to be created. */
  partitions: number
}

/** A message with headers; a plain Buffer is a message without. */
export interface HeadedMessage {
  value: Buffer
  headers: Record<string, string>
}

export class KafkaTopicOutput {
  readonly #clients: KafkaClients
  readonly #options: KafkaTopicOptions
  #producer: KafkaProducer | undefined
  #partitions = 1
  /** Round-robin over the partitions, kept here so that a message re-sent after a failure keeps its partition. */
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
    await this.#clients.checkReachable()
    this.created = await this.#clients.ensureTopic(this.#options.topic, this.#options.partitions)
    this.maxBatchBytes = await this.#clients.maxBatchBytes(this.#options.topic)
    this.#producer = this.#clients.producer('producer', LEADER_RETRY.perAttempt)
    const metadata = await this.#producer.metadata({ topics: [this.#options.topic] })
    this.#partitions = metadata.topics.get(this.#options.topic)?.partitionsCount ?? 1
  }

  /**
   * Sends the values as one request and resolves once the broker has them on all in-sync replicas.
   * Call it again only after the previous write resolved: one request in flight keeps the sequence in order.
   */
  async write(values: (Buffer | HeadedMessage)[]): Promise<void> {
    const { topic } = this.#options
    let pending = values.map((message) => ({
      topic,
      ...(Buffer.isBuffer(message) ? { value: message } : message),
      partition: this.#nextPartition++ % this.#partitions,
    }))
    const deadline = Date.now() + LEADER_RETRY.totalMs
    for (;;) {
      try {
        await this.#producer?.send({ messages: pending })
        return
      } catch (error) {
        if (Date.now() > deadline) throw kafkaError(error, `sending ${values.length} messages to ${topic}`)
        // The client retries a partition's leader as it knew it; a killed leader never answers. Re-send only the
        // partitions not acknowledged, to the leaders fresh metadata names: their sequence numbers did not advance,
        // so a batch the old leader had already replicated is recognised by the new one, not written twice.
        const acknowledged = new Set(
          ((error as { produced?: { offsets?: { partition: number }[] } }).produced?.offsets ?? []).map(
            (offset) => offset.partition,
          ),
        )
        pending = pending.filter((message) => !acknowledged.has(message.partition))
        this.#producer?.clearMetadata()
        await sleep(LEADER_RETRY.pauseMs)
      }
    }
  }

  async close(): Promise<void> {
    await this.#producer?.close().catch(() => undefined)
  }
}
