// Output stage: JSON messages to a topic through one idempotent producer (acks=all). Each write is one produce
// request; the producer's sequence numbers make a retried request land once, including across a broker
// restart. Lifecycle: connect (topic created if missing) → write → close.
import { type KafkaClients, type KafkaProducer, kafkaError } from './kafka-clients.ts'

export interface KafkaTopicOptions {
  topic: string
  /** Partitions of the topic if it has to be created. */
  partitions: number
}

export class KafkaTopicOutput {
  readonly #clients: KafkaClients
  readonly #options: KafkaTopicOptions
  #producer: KafkaProducer | undefined
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
    this.#producer = this.#clients.producer('producer')
  }

  /**
   * Sends the values as one request and resolves once the broker has them on all in-sync replicas.
   * Call it again only after the previous write resolved: one request in flight keeps the sequence in order.
   */
  async write(values: Buffer[]): Promise<void> {
    const { topic } = this.#options
    try {
      await this.#producer?.send({ messages: values.map((value) => ({ topic, value })) })
    } catch (error) {
      throw kafkaError(error, `sending ${values.length} messages to ${topic}`)
    }
  }

  async close(): Promise<void> {
    await this.#producer?.close().catch(() => undefined)
  }
}
