// The one place that knows how this project talks to Kafka: client options, retry policy, topic creation and
// error translation. Every stage (CSV → topic, topic → batch files, dead letters) gets its clients from here.
import {
  Admin,
  ConfigResourceTypes,
  ConnectionPool,
  Consumer,
  GenericError,
  Producer,
  type ProducerOptions,
  type Serializer,
  stringSerializer,
  UnsupportedCompressionError,
} from '@platformatic/kafka'
import type { KafkaConfig } from '../config.ts'
import { TrafficError } from '../errors.ts'

/** A broker restart takes ~10 s; keep retrying for two minutes before a run gives up. */
const RUN_RETRIES = { retries: 240, retryDelay: 500 }
/** Connecting (the first metadata request) fails fast, so a stopped broker is reported at once. */
const CONNECT_RETRIES = { retries: 2, retryDelay: 500 }
/** A group member the coordinator has not heard from for this long loses its partitions. */
export const SESSION_TIMEOUT_MS = 10_000

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
  /**
   * An idempotent producer (acks=all, one request in flight, sequence numbers kept across retries) writing batches
   * in the configured codec (KAFKA_COMPRESSION).
   */
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
  /** The largest record batch the broker accepts on the topic (its max.message.bytes), in bytes. */
  maxBatchBytes(topic: string): Promise<number>
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
        compression: config.compression,
        ...options,
      }),

    consumer: (name, groupId) =>
      new Consumer({
        ...base(name),
        ...RUN_RETRIES,
        groupId,
        autocommit: false,
        // A consumer killed without leaving the group holds its partitions until the session times out.
        sessionTimeout: SESSION_TIMEOUT_MS,
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

    maxBatchBytes: (topic) =>
      withAdmin(async (admin) => {
        // Kafka's default, for a broker that does not say or a user not allowed to ask (DescribeConfigs ACL).
        const fallback = 1_048_588
        const described = await admin
          .describeConfigs({
            resources: [
              {
                resourceType: ConfigResourceTypes.TOPIC,
                resourceName: topic,
                configurationKeys: ['max.message.bytes'],
              },
            ],
          })
          .catch(() => [])
        const value = Number(described[0]?.configs.find((c) => c.name === 'max.message.bytes')?.value)
        return Number.isSafeInteger(value) && value > 0 ? value : fallback
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

/** The client error whose `property` is `value` anywhere in an error chain. */
function findInChain(error: unknown, property: string, value: unknown): GenericError | null {
  if (!(error instanceof Error) || !GenericError.isGenericError(error)) return null
  return (error as GenericError).findBy(property, value)
}

/** The Kafka protocol error with the given id (e.g. `OFFSET_OUT_OF_RANGE`) anywhere in an error chain. */
export function findKafkaError(error: Error, apiId: string): boolean {
  return findInChain(error, 'apiId', apiId) !== null
}

function leafMessages(error: unknown): string[] {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // Retries repeat the same cause; show each distinct one once.
    return [...new Set(error.errors.flatMap(leafMessages))]
  }
  return [error instanceof Error ? error.message : String(error)]
}

/**
 * A Kafka client failure as a TrafficError whose message names the operation and the broker's own words. A record
 * batch in a codec this Node cannot decode (zstd before Node 22) cannot be split into records, so none of it can go
 * to dead letters: that is a failure of its own, naming the codec and the two ways out.
 */
export function kafkaError(error: unknown, doing: string): TrafficError {
  if (error instanceof TrafficError) return error
  const codec = findInChain(error, 'code', UnsupportedCompressionError.code)
  if (codec) {
    return new TrafficError(
      'KAFKA_ERROR',
      `Kafka failed while ${doing}: a record batch is compressed with a codec Node ${process.version} cannot ` +
        `decode (${codec.message})`,
      {
        hint:
          'zstd needs Node ≥ 22: run the consumer there, or have the producers write none, gzip, snappy or lz4 ' +
          '(compression.type); nothing was committed, so a rerun resumes at that batch',
        cause: error,
      },
    )
  }
  const causes = leafMessages(error).slice(-3).join('; ')
  return new TrafficError('KAFKA_ERROR', `Kafka failed while ${doing}: ${causes}`, {
    canRetry: true,
    cause: error,
  })
}
