// The API's side of Kafka for the live view. Every API process must see the whole live view — every stream row
// (scoring, clock, throughput), every window and every alert — so it reads all partitions of the three topics
// itself: one consumer in a group of its own (a shared group would split the partitions between the processes),
// at offsets it chooses (the stream from its end, windows and alerts from a little before theirs, so a fresh page
// has history), committing nothing, and the group is deleted on close. Its lag is its own read position; the lag
// of every other group comes from the offsets committed on the stream.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
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

/** The group of one API process: the configured name, then where it runs, so the lag table tells them apart. */
export function ownGroupId(prefix: string): string {
  return `${prefix}-${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`
}

export class LiveKafka {
  readonly #clients: KafkaClients
  readonly #topics: LiveTopics
  /** This process's own group: nothing is committed in it, and it is deleted on close. */
  readonly groupId: string
  /** The next stream offset to read, per partition: this process's lag. */
  readonly #positions = new Map<number, bigint>()
  #consumer: Consumer | undefined
  #admin: Admin | undefined

  constructor(clients: KafkaClients, topics: LiveTopics, groupPrefix: string) {
    this.#clients = clients
    this.#topics = topics
    this.groupId = ownGroupId(groupPrefix)
  }

  /** Creates missing topics as `traffic live` does (the stream with `partitions` partitions), and starts reading. */
  async connect(handlers: LiveHandlers, partitions: number): Promise<void> {
    const { stream, windows, alerts } = this.#topics
    await this.#clients.checkReachable()
    await ensureLiveTopics(this.#clients, this.#topics, partitions)
    this.#admin = this.#clients.admin('live-admin')

    const consumer = this.#clients.consumer('live', this.groupId)
    this.#consumer = consumer
    const topics = [stream, windows, alerts]
    const [earliest, latest] = await Promise.all(
      [ListOffsetTimestamps.EARLIEST, ListOffsetTimestamps.LATEST].map((timestamp) =>
        consumer.listOffsets({ topics, timestamp }),
      ),
    )
    const offsets = topics.flatMap((topic) =>
      (latest?.get(topic) ?? []).map((end, partition) => {
        const first = earliest?.get(topic)?.[partition] ?? 0n
        const backfill = topic === stream ? 0n : BACKFILL_MESSAGES
        return { topic, partition, offset: end - backfill > first ? end - backfill : first }
      }),
    )
    for (const { topic, partition, offset } of offsets) {
      if (topic === stream) this.#positions.set(partition, offset)
    }
    const messages = await consumer
      .consume({ topics, mode: 'manual', offsets, autocommit: false })
      .catch((error: unknown) => {
        throw kafkaError(error, `reading ${topics.join(', ')}`)
      })
    messages.on('data', (message: Message) => {
      if (message.topic === stream) {
        this.#positions.set(message.partition, message.offset + 1n)
        handlers.row(message)
      } else if (message.topic === windows) handlers.window(message)
      else handlers.alert(message)
    })
    messages.on('error', handlers.failed)
  }

  /**
   * How many rows were ever produced to the stream (the sum of its end offsets), and the lag per partition of
   * this process and of every consumer group with offsets committed on the stream.
   */
  async offsets(): Promise<{ produced: number; lag: PartitionLag[] }> {
    const admin = this.#admin
    if (!admin) return { produced: 0, lag: [] }
    const topic = this.#topics.stream
    const [ends, groups] = await Promise.all([endOffsetsOf(admin, topic), admin.listGroups()])
    const committed =
      groups.size > 0 ? await admin.listConsumerGroupOffsets({ groups: [...groups.keys()] }) : []
    const lagOf = (group: string, partition: number, at: bigint): PartitionLag => {
      const end = Number(ends[partition] ?? at)
      return { group, topic, partition, committed: Number(at), end, lag: Math.max(0, end - Number(at)) }
    }
    const own = [...this.#positions]
      .sort(([a], [b]) => a - b)
      .map(([partition, at]) => lagOf(this.groupId, partition, at))
    const others = committed.flatMap(({ groupId, topics }) =>
      topics
        .filter(({ name }) => name === topic)
        .flatMap(({ partitions }) =>
          partitions
            .filter(({ committedOffset }) => committedOffset >= 0n)
            .map(({ partitionIndex, committedOffset }) => lagOf(groupId, partitionIndex, committedOffset)),
        ),
    )
    return { produced: ends.reduce((sum, end) => sum + Number(end), 0), lag: [...own, ...others] }
  }

  async close(): Promise<void> {
    const consumer = this.#consumer
    this.#consumer = undefined
    // Forced: leave at once, without waiting for fetches the broker holds.
    if (consumer) await new Promise<void>((resolve) => consumer.close(true, () => resolve()))
    // The group held no offsets; deleting it keeps the broker's group list free of dead API processes.
    if (consumer) await this.#admin?.deleteGroups({ groups: [this.groupId] }).catch(() => undefined)
    await this.#admin?.close().catch(() => undefined)
    this.#admin = undefined
  }
}
