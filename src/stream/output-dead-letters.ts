// Output stage: messages the consumer cannot use go to a dead-letter topic, untouched, with headers saying why
// and where they came from. They are buffered per source partition and sent before the batch that covers them
// is written, so none is lost; a replay after a crash may send one again (the key, <topic>-<partition>-<offset>,
// identifies it). Lifecycle: connect → add / send → close.
import type { KafkaClients, KafkaProducer } from './kafka-clients.ts'
import { kafkaError } from './kafka-clients.ts'

export interface DeadLetter {
  partition: number
  offset: bigint
  value: Buffer | null
  reason: string
}

export const DEAD_LETTER_HEADERS = {
  reason: 'dlq.reason',
  topic: 'dlq.source.topic',
  partition: 'dlq.source.partition',
  offset: 'dlq.source.offset',
} as const

export interface DeadLetterOptions {
  sourceTopic: string
  topic: string
}

export class DeadLetterOutput {
  readonly #clients: KafkaClients
  readonly #options: DeadLetterOptions
  #producer: KafkaProducer | undefined
  #pending: DeadLetter[] = []
  #sent = 0

  constructor(clients: KafkaClients, options: DeadLetterOptions) {
    this.#clients = clients
    this.#options = options
  }

  get sent(): number {
    return this.#sent
  }

  async connect(): Promise<void> {
    await this.#clients.ensureTopic(this.#options.topic, 1)
    this.#producer = this.#clients.producer('dead-letters')
  }

  add(letter: DeadLetter): void {
    this.#pending.push(letter)
  }

  /** Forgets the letters of a partition whose open batch was dropped: they will be read (and added) again. */
  drop(partition: number): void {
    this.#pending = this.#pending.filter((letter) => letter.partition !== partition)
  }

  async send(): Promise<void> {
    if (this.#pending.length === 0 || !this.#producer) return
    const letters = this.#pending
    const { sourceTopic, topic } = this.#options
    try {
      await this.#producer.send({
        messages: letters.map((letter) => ({
          topic,
          key: `${sourceTopic}-${letter.partition}-${letter.offset}`,
          value: letter.value ?? undefined,
          headers: {
            [DEAD_LETTER_HEADERS.reason]: letter.reason,
            [DEAD_LETTER_HEADERS.topic]: sourceTopic,
            [DEAD_LETTER_HEADERS.partition]: String(letter.partition),
            [DEAD_LETTER_HEADERS.offset]: String(letter.offset),
          },
        })),
      })
    } catch (error) {
      throw kafkaError(error, `sending ${letters.length} dead letters to ${topic}`)
    }
    this.#pending = []
    this.#sent += letters.length
  }

  async close(): Promise<void> {
    await this.#producer?.close().catch(() => undefined)
  }
}
