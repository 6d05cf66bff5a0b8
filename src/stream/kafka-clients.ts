// The one place that knows how this project talks to Kafka: client options, retry policy, topic creation and
// error translation. Every stage (CSV → topic, topic → batch files, dead letters) gets its clients from here.
import {
  Admin,
  ConnectionPool,
  Consumer,
  GenericError,
  Producer,
  type ProducerOptions,
  type Serializer,
  stringSerializer,
} from '@platformatic/kafka'
import type { KafkaConfig } from '../config.ts'
import { TrafficError } from '../errors.ts'

/** A broker restart takes ~10 s; keep retrying for two minutes before a run gives up. */
const RUN_RETRIES = { retries: 240, retryDelay: 500 }
/** Connecting (the first metadata request) fails fast, so a stopped broker is reported at once. */
const CONNECT_RETRIES = { retries: 2, retryDelay: 500 }

/** Keys and headers are text; values are text (JSON rows) or bytes passed through untouched (dead letters). */
export type KafkaProducer = Producer<string, string | Buffer, string, string>

const textOrBytes: Serializer<string | Buffer> = (data) =>
  typeof data === 'string' ? Buffer.from(data) : data
const serializers = {
  key: stringSerializer,
  value: textOrBytes,
  headerKey: stringSerializer,
  headerValue: stringSerializer,
}

export interface KafkaClients {
  readonly brokers: string[]
  /** An idempotent producer (acks=all, one request in flight, sequence numbers kept across retries). */
  producer(
    name: string,
    options?: Partial<ProducerOptions<string, string | Buffer, string, string>>,
  ): KafkaProducer
  /** A group member with manual offset control: it never commits on its own. */
  consumer(name: string, groupId: string): Consumer
  /** Fetch requests wait on the broker for up to maxWait; a pool of their own keeps them off the group's line. */
  connectionPool(name: string): ConnectionPool
  /** Creates the topic when it is missing; resolves whether it did. */
  ensureTopic(topic: string, partitions: number): Promise<boolean>
  /** Fails with a clear message when no broker answers. */
  checkReachable(): Promise<void>
  /** A long-lived admin client (offsets, groups) for callers polling the cluster; they close it. */
  admin(name: string): Admin
}

export function kafkaClients(config: KafkaConfig): KafkaClients {
  const base = (name: string) => ({ clientId: `traffic-${name}`, bootstrapBrokers: config.brokers })

  const withAdmin = async <T>(fn: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = new Admin({ ...base('admin'), ...CONNECT_RETRIES })
    try {
      return await fn(admin)
    } finally {
      await admin.close().catch(() => undefined)
    }
  }

  return {
    brokers: config.brokers,

    producer: (name, options = {}) =>
      new Producer({
        ...base(name),
        ...RUN_RETRIES,
        serializers,
        idempotent: true,
        acks: -1,
        timeout: 30_000,
        ...options,
      }),

    consumer: (name, groupId) =>
      new Consumer({
        ...base(name),
        ...RUN_RETRIES,
        groupId,
        autocommit: false,
        // A consumer killed without leaving the group holds its partitions until the session times out.
        sessionTimeout: 10_000,
        rebalanceTimeout: 20_000,
        heartbeatInterval: 1_000,
      }),

    connectionPool: (name) => new ConnectionPool(`traffic-${name}`),

    admin: (name) => new Admin({ ...base(name), ...CONNECT_RETRIES }),

    ensureTopic: (topic, partitions) =>
      withAdmin(async (admin) => {
        const existing = await admin.listTopics()
        if (existing.includes(topic)) return false
        try {
          await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
          return true
        } catch (error) {
          // Another process created it in the meantime.
          if (error instanceof Error && findKafkaError(error, 'TOPIC_ALREADY_EXISTS')) return false
          throw kafkaError(error, `creating topic ${topic}`)
        }
      }),

    checkReachable: () =>
      withAdmin(async (admin) => {
        try {
          await admin.metadata({ topics: [] })
        } catch (error) {
          throw new TrafficError(
            'ENGINE_NOT_RUNNING',
            `no Kafka broker answers at ${config.brokers.join(',')}`,
            {
              hint: config.local ? 'start it with `traffic engines start`' : 'check KAFKA_BROKERS',
              canRetry: true,
              cause: error,
            },
          )
        }
      }),
  }
}

/** The Kafka protocol error with the given id (e.g. `OFFSET_OUT_OF_RANGE`) anywhere in an error chain. */
export function findKafkaError(error: Error, apiId: string): boolean {
  return GenericError.isGenericError(error) && (error as GenericError).findBy('apiId', apiId) !== null
}

function leafMessages(error: unknown): string[] {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // Retries repeat the same cause; show each distinct one once.
    return [...new Set(error.errors.flatMap(leafMessages))]
  }
  return [error instanceof Error ? error.message : String(error)]
}

/** A Kafka client failure as a TrafficError whose message names the operation and the broker's own words. */
export function kafkaError(error: unknown, doing: string): TrafficError {
  if (error instanceof TrafficError) return error
  const causes = leafMessages(error).slice(-3).join('; ')
  return new TrafficError('KAFKA_ERROR', `Kafka failed while ${doing}: ${causes}`, {
    canRetry: true,
    cause: error,
  })
}
