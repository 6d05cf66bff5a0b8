// The one place that knows how this project talks to Kafka: client options, retry policy, topic creation and
// error translation. Every stage (CSV → topic, topic → batch files, dead letters) gets its clients from here.
import {
  Admin,
  ConfigResourceTypes,
  type ConnectionOptions,
  Consumer,
  GenericError,
  ListOffsetTimestamps,
  Producer,
  type ProducerOptions,
  type Serializer,
  stringSerializer,
  UnsupportedCompressionError,
} from '@platformatic/kafka'
import { type KafkaCodec, type KafkaConfig, type KafkaSecurity, readCaFile } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { ConnectionPool } from './kafka-internals.ts'

/** A broker restart takes ~10 s; keep retrying for two minutes before a run gives up. */
const RUN_RETRIES = { retries: 240, retryDelay: 500 }
/**
 * Producing: each attempt gives up on a silent leader after ~5 s, and the write is re-sent to the current leaders
 * (KafkaTopicOutput) until `totalMs`, the same two minutes a broker restart is given.
 */
export const LEADER_RETRY = { perAttempt: { retries: 10, retryDelay: 500 }, pauseMs: 500, totalMs: 120_000 }
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
  /** Codec of the batches producers write (KAFKA_COMPRESSION). */
  readonly compression: KafkaCodec
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
  /** The end offset (the next offset to be written) of each partition of the topic, by partition. */
  endOffsets(topic: string): Promise<bigint[]>
  /** A long-lived admin client (offsets, groups) for callers polling the cluster; they close it. */
  admin(name: string): Admin
}

/** TLS and SASL options of every connection, from KAFKA_SECURITY_PROTOCOL and friends. */
export function kafkaConnectionOptions(security: KafkaSecurity): Pick<ConnectionOptions, 'tls' | 'sasl'> {
  const options: Pick<ConnectionOptions, 'tls' | 'sasl'> = {}
  if (security.protocol.endsWith('SSL')) {
    options.tls = security.caFile
      ? { ca: readCaFile('KAFKA_SSL_CA_FILE', security.caFile, 'the brokers’ certificates') }
      : {}
  }
  if (security.sasl) {
    const { mechanism, username, password } = security.sasl
    options.sasl = { mechanism, username, password }
  }
  return options
}

/** An admin client with this project's connection settings, for one-off requests (topic facts, health). */
export function kafkaAdmin(
  config: KafkaConfig,
  name: string,
  retries: { retries: number; retryDelay?: number; timeout?: number } = CONNECT_RETRIES,
): Admin {
  return new Admin({
    clientId: `traffic-${name}`,
    bootstrapBrokers: config.brokers,
    ...kafkaConnectionOptions(config.security),
    ...retries,
  })
}

export function kafkaClients(config: KafkaConfig): KafkaClients {
  const connection = kafkaConnectionOptions(config.security)
  const base = (name: string) => ({
    clientId: `traffic-${name}`,
    bootstrapBrokers: config.brokers,
    ...connection,
  })

  const withAdmin = async <T>(fn: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = kafkaAdmin(config, 'admin')
    try {
      return await fn(admin)
    } finally {
      await admin.close().catch(() => undefined)
    }
  }

  return {
    brokers: config.brokers,
    compression: config.compression,

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

    connectionPool: (name) => new ConnectionPool(`traffic-${name}`, connection),

    admin: (name) => new Admin({ ...base(name), ...CONNECT_RETRIES }),

    ensureTopic: (topic, partitions) =>
      withAdmin(async (admin) => {
        const existing = await admin.listTopics()
        if (existing.includes(topic)) return false
        try {
          // No replication factor: the brokers' default.replication.factor (1 alone, 3 on a cluster) applies.
          await admin.createTopics({ topics: [topic], partitions })
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

    endOffsets: (topic) => withAdmin((admin) => endOffsetsOf(admin, topic)),

    checkReachable: () =>
      withAdmin(async (admin) => {
        try {
          await admin.metadata({ topics: [] })
        } catch (error) {
          const refused = securityProblem(error, config.security)
          if (refused) throw refused
          throw new TrafficError(
            'ENGINE_NOT_RUNNING',
            `no Kafka broker answers at ${config.brokers.join(',')}`,
            {
              hint: config.local
                ? 'start it with `traffic engines start`'
                : `check KAFKA_BROKERS, and KAFKA_SECURITY_PROTOCOL (now ${config.security.protocol}) against the brokers' listener`,
              canRetry: true,
              cause: error,
            },
          )
        }
      }),
  }
}

/** The end offset (the next offset to be written) of each partition of `topic`, asked through `admin`. */
export function endOffsetsOf(admin: Admin, topic: string): Promise<bigint[]> {
  return offsetsAt(admin, topic, ListOffsetTimestamps.LATEST)
}

/** The first offset each partition of `topic` still holds (above 0 once retention deleted records). */
export function startOffsetsOf(admin: Admin, topic: string): Promise<bigint[]> {
  return offsetsAt(admin, topic, ListOffsetTimestamps.EARLIEST)
}

async function offsetsAt(admin: Admin, topic: string, timestamp: bigint): Promise<bigint[]> {
  const metadata = await admin.metadata({ topics: [topic] })
  const count = metadata.topics.get(topic)?.partitionsCount ?? 0
  const partitions = Array.from({ length: count }, (_, partitionIndex) => ({ partitionIndex, timestamp }))
  const [listed] = await admin.listOffsets({ topics: [{ name: topic, partitions }] })
  const offsets: bigint[] = []
  for (const { partitionIndex, offset } of listed?.partitions ?? []) offsets[partitionIndex] = offset
  return offsets
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

/** Every error in a chain: causes and the members of aggregates (retries gather their failures in one). */
function errorChain(error: unknown): unknown[] {
  const found: unknown[] = []
  const visit = (e: unknown) => {
    if (e === undefined || e === null || found.includes(e)) return
    found.push(e)
    if (e instanceof AggregateError) e.errors.forEach(visit)
    if (e instanceof Error) visit(e.cause)
  }
  visit(error)
  return found
}

/** Node's codes for a server certificate that no trusted CA signed (or that names another host). */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
])

/**
 * Rejected credentials or an untrusted broker certificate, as an error naming the setting to fix; undefined
 * for anything else. Retrying cannot help either, so they are reported at once. The password is never shown.
 */
export function securityProblem(error: unknown, security: KafkaSecurity): TrafficError | undefined {
  const chain = errorChain(error)
  const code = (e: unknown) => (e instanceof Error ? (e as { code?: unknown }).code : undefined)
  if (chain.some((e) => code(e) === 'PLT_KFK_AUTHENTICATION')) {
    const who = security.sasl ? ` for user "${security.sasl.username}" (${security.sasl.mechanism})` : ''
    return new TrafficError('KAFKA_ERROR', `Kafka rejected the SASL credentials${who}`, {
      hint: 'check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM',
      cause: error,
    })
  }
  const certificate = chain.find((e) => UNTRUSTED_CERTIFICATE.has(String(code(e))))
  if (certificate instanceof Error) {
    return new TrafficError(
      'KAFKA_ERROR',
      `The Kafka broker's TLS certificate is not trusted: ${certificate.message}`,
      {
        hint: security.caFile
          ? `KAFKA_SSL_CA_FILE (${security.caFile}) is not the CA that signed the brokers’ certificates`
          : 'set KAFKA_SSL_CA_FILE to the PEM file of the CA that signed the brokers’ certificates',
        cause: error,
      },
    )
  }
  return undefined
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
    canRetry: clientCanRetry(error),
    cause: error,
  })
}

/**
 * The Kafka client's own verdict, by its own rule: a retry can help unless some error in the chain says it cannot.
 * An error without the client's flag anywhere (not from the client) is not taken to be retriable.
 */
function clientCanRetry(error: unknown): boolean {
  const flags = errorChain(error).flatMap((e) => {
    const canRetry = e instanceof Error ? (e as { canRetry?: unknown }).canRetry : undefined
    return typeof canRetry === 'boolean' ? [canRetry] : []
  })
  return flags.length > 0 && !flags.includes(false)
}
