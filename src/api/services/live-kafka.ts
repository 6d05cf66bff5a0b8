// The API's side of Kafka for the live view: it follows the stream from the latest offset in a consumer group of
// its own (committing, so its lag shows like any other group's), reads the windows and alerts topics from a
// little before their end (so a fresh page has history), and reads offsets — end offsets of the stream, and the
// committed offsets of every group on it — for throughput and lag.
import { type Admin, type Consumer, ListOffsetTimestamps, type Message } from '@platformatic/kafka'
import { endOffsetsOf, type KafkaClients, kafkaError } from '../../stream/kafka-clients.ts'
import { ensureLiveTopics, type LiveTopics } from '../../stream/live-topics.ts'
import type { PartitionLag } from '../live-schemas.ts'

export interface LiveHandlers {
  row(message: Message): void
  window(message: Message): void
  alert(message: Message): void
  /** The reading stopped on an error the client did not recover from. */
  failed(error: Error): void
}

/** Messages of the windows and alerts topics read back per partition at start. */
export const BACKFILL_MESSAGES = 2000n
const AUTOCOMMIT_MS = 1000

type Reader = Consumer

export class LiveKafka {
  readonly #clients: KafkaClients
  readonly #topics: LiveTopics
  readonly #groupId: string
  readonly #consumers: Reader[] = []
  #admin: Admin | undefined

  constructor(clients: KafkaClients, topics: LiveTopics, groupId: string) {
    this.#clients = clients
    this.#topics = topics
    this.#groupId = groupId
  }

  async connect(handlers: LiveHandlers, streamPartitions: number): Promise<void> {
    await this.#clients.checkReachable()
    await ensureLiveTopics(this.#clients, this.#topics, streamPartitions)
    this.#admin = this.#clients.admin('live-admin')

    const rows = this.#consumer('live-rows', this.#groupId)
    const rowStream = await rows
      .consume({ topics: [this.#topics.stream], mode: 'latest', autocommit: AUTOCOMMIT_MS })
      .catch((error: unknown) => {
        throw kafkaError(error, `following ${this.#topics.stream}`)
      })
    rowStream.on('data', handlers.row)
    rowStream.on('error', handlers.failed)

    // Windows and alerts are read, never committed: every API process wants all of them.
    const results = this.#consumer('live-results', `${this.#groupId}-results`)
    const resultTopics = [this.#topics.windows, this.#topics.alerts]
    const [earliest, latest] = await Promise.all(
      [ListOffsetTimestamps.EARLIEST, ListOffsetTimestamps.LATEST].map((timestamp) =>
        results.listOffsets({ topics: resultTopics, timestamp }),
      ),
    )
    const offsets = resultTopics.flatMap((topic) =>
      (latest?.get(topic) ?? []).map((end, partition) => {
        const first = earliest?.get(topic)?.[partition] ?? 0n
        return { topic, partition, offset: end - BACKFILL_MESSAGES > first ? end - BACKFILL_MESSAGES : first }
      }),
    )
    const resultStream = await results
      .consume({ topics: resultTopics, mode: 'manual', offsets, autocommit: false })
      .catch((error: unknown) => {
        throw kafkaError(error, `reading ${resultTopics.join(', ')}`)
      })
    resultStream.on('data', (message) =>
      message.topic === this.#topics.windows ? handlers.window(message) : handlers.alert(message),
    )
    resultStream.on('error', handlers.failed)
  }

  /**
   * How many rows were ever produced to the stream (the sum of its end offsets), and the lag of every consumer
   * group with offsets committed on it, per partition.
   */
  async offsets(): Promise<{ produced: number; lag: PartitionLag[] }> {
    const admin = this.#admin
    if (!admin) return { produced: 0, lag: [] }
    const topic = this.#topics.stream
    const [ends, groups] = await Promise.all([endOffsetsOf(admin, topic), admin.listGroups()])
    const committed =
      groups.size > 0 ? await admin.listConsumerGroupOffsets({ groups: [...groups.keys()] }) : []
    const lag = committed.flatMap(({ groupId, topics }) =>
      topics
        .filter(({ name }) => name === topic)
        .flatMap(({ partitions }) =>
          partitions
            .filter(({ committedOffset }) => committedOffset >= 0n)
            .map(({ partitionIndex, committedOffset }) => {
              const end = Number(ends[partitionIndex] ?? committedOffset)
              const at = Number(committedOffset)
              return {
                group: groupId,
                topic,
                partition: partitionIndex,
                committed: at,
                end,
                lag: Math.max(0, end - at),
              }
            }),
        ),
    )
    return { produced: ends.reduce((sum, end) => sum + Number(end), 0), lag }
  }

  async close(): Promise<void> {
    const consumers = this.#consumers.splice(0)
    // Forced: leave at once, without waiting for fetches the broker holds.
    await Promise.all(
      consumers.map((consumer) => new Promise<void>((resolve) => consumer.close(true, () => resolve()))),
    )
    await this.#admin?.close().catch(() => undefined)
    this.#admin = undefined
  }

  #consumer(name: string, groupId: string): Reader {
    const consumer = this.#clients.consumer(name, groupId)
    this.#consumers.push(consumer)
    return consumer
  }
}
