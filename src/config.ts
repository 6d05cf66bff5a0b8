// The one typed configuration. Precedence: command-line flags > environment variables > defaults.
// Defaults describe the embedded local engines; KAFKA_BROKERS / SPARK_REMOTE point at existing ones instead.
import { readFileSync } from 'node:fs'
import { isIPv6 } from 'node:net'
import { homedir } from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { TrafficError } from './errors.ts'
import { httpUrlOf } from './http-url.ts'
import { isSparkConnectError, parseSparkRemote } from './spark/light.ts'
import { storeLocation } from './storage/location.ts'

export interface KafkaConfig {
  /** host:port list of the bootstrap brokers. */
  brokers: string[]
  /** True when we run the broker ourselves (KAFKA_BROKERS not set). */
  local: boolean
  port: number
  controllerPort: number
  topic: string
  deadLetterTopic: string
  partitions: number
  compression: KafkaCodec
  security: KafkaSecurity
}
/** Codec of the batches our producers write; readers need it (see KAFKA_CODECS). */

/**
 * The record-batch codecs Kafka defines. Only none and gzip are read by every mainstream client without extras:
 * kafka-python needs `lz4` for lz4, `python-snappy` or `cramjam` for snappy, `zstandard` for zstd; librdkafka-based
 * clients and the Java client include all; Node (@platformatic/kafka) needs Node ≥ 22 for zstd.
 */
export const KAFKA_CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type KafkaCodec = (typeof KAFKA_CODECS)[number]

/** Node's clients compress zstd with node:zlib, which has it from Node 22.15 / 23.8 (not on Node 20). */
export function codecAvailable(codec: KafkaCodec): boolean {
  return codec !== 'zstd' || typeof (zlib as { zstdCompressSync?: unknown }).zstdCompressSync === 'function'
}

export const KAFKA_SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const
export const KAFKA_SASL_MECHANISMS = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'] as const

/** How every Kafka client authenticates and encrypts, as a managed cluster asks (Kafka's own names). */
export interface KafkaSecurity {
  protocol: (typeof KAFKA_SECURITY_PROTOCOLS)[number]
  /** Set exactly when the protocol is SASL_*. */
  sasl?: { mechanism: (typeof KAFKA_SASL_MECHANISMS)[number]; username: string; password: string }
  /** PEM file of the CA that signed the brokers' certificates; the system's CAs when absent. */
  caFile?: string
}

export interface SparkConfig {
  /** Spark Connect endpoint, `sc://host:port`. */
  remote: string
  /** True when we run the Spark Connect server ourselves (SPARK_REMOTE not set). */
  local: boolean
  port: number
  /** JVM heap of the local server, e.g. `4g`. */
  driverMemory: string
  /** PEM file of the CA that signed a TLS endpoint's certificate (`use_ssl=true`); the system's CAs when absent. */
  caFile?: string
  /**
   * Deadline of the calls that ask the server about its state (version, config, a streaming query's status or
   * progress) in ms (SPARK_CONTROL_DEADLINE_MS): a stalled server costs a late answer, not a hung command.
   * Calls that run jobs (training, streaming start) have none.
   */
  controlDeadlineMs: number
  /** gRPC keepalive ping interval and its answer's timeout, in ms. */
  keepalive: { timeMs: number; timeoutMs: number }
}

/** `traffic live`: the city-clock replay and the streaming queries over it. */
export interface LiveConfig {
  /** Topic of the windowed aggregates (JSON, keyed `<City>|<window start>`). */
  windowsTopic: string
  /** Topic of the congestion alerts. */
  alertsTopic: string
  /** Simulated seconds per real second. */
  clock: number
  /** Rows sent per real second. */
  rate: number
  /** Tumbling window length in simulated time (a Spark interval). */
  window: string
  /** How late (in event time) a row may arrive and still count in its window. */
  watermark: string
  /** Micro-batch interval of the streaming queries. */
  trigger: string
  /** Prefix of the consumer group each API process reads the live topics in (one group per process). */
  apiGroup: string
}

export interface EnginesConfig {
  /** Where fetched engine jars live; shared across clones so a second clone starts warm. */
  cacheDir: string
  /** Runtime state of the local engines: KRaft storage, logs, PID files. */
  stateDir: string
  /** The one address every port of the local engines listens on (and Kafka advertises); loopback by default. */
  host: string
}

/** `traffic cluster`: its ports are offsets from `portBase` (see src/engines/cluster.ts); its files in `dir`. */
export interface ClusterConfig {
  portBase: number
  dir: string
}

/**
 * How the clients reach S3-compatible object storage (the `s3://bucket/prefix` locations), from the standard AWS
 * settings. `endpointSetting` names where `endpoint` came from, for messages. Without keys, the AWS SDK's default
 * chain (the profile, then the machine's role) finds the credentials.
 */
export interface S3Settings {
  endpoint?: string
  endpointSetting?: 'AWS_ENDPOINT_URL_S3' | 'AWS_ENDPOINT_URL'
  region: string
  /** Path-style addressing (`endpoint/bucket/key`): what S3-compatible servers at a custom endpoint expect. */
  forcePathStyle: boolean
  /** Deadline of one S3 request (S3_REQUEST_TIMEOUT_MS): a store that stops answering fails the call, not hangs it. */
  requestTimeoutMs: number
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  profile?: string
}

/** Object storage: the S3 client settings, and the port of the local S3 server (S3Proxy) when we run one. */
export interface StorageConfig {
  s3: S3Settings
}

export interface PathsConfig {
  dataset: string
  /** A folder (resolved to an absolute path) or `s3://bucket/prefix` (see src/storage/location.ts). */
  batches: string
  models: string
  /** The live queries' checkpoints: a folder or `s3://bucket/prefix`; a topic's are under `<topic>/checkpoints/`. */
  checkpoints: string
}

/**
 * Continuous training (`traffic train --follow`, src/lifecycle/): what triggers a challenger, how much data it
 * learns from, and by how much it must beat the champion to be promoted.
 */
export interface LifecycleConfig {
  /** A challenger trains on the newest batch files holding at least this many rows (whole files). */
  windowRows: number
  /** Trigger: at least this many batch rows newer than the champion's data. */
  minNewRows: number
  /** Trigger: this long since the champion was trained, in ms; 0 turns the schedule off. */
  scheduleMs: number
  /** Trigger: a model's error on the rows newer than its data, over its held-out error, at least this. */
  driftErrorRatio: number
  /** Trigger: the largest PSI of a feature between the champion's training rows and the newer rows, at least this. */
  driftPsi: number
  /**
   * Fewer new rows than this are too few to measure drift on (the error and the shares are noise), and fewer new
   * held-out rows of a model too few to compare champion and challenger on.
   */
  driftMinRows: number
  /**
   * Promotion margins, applied to each model's score (R² or area under ROC): the challenger is better when its
   * score is higher by at least `promoteAbsolute` and its error (1 − score) lower by at least `promoteRelative` of
   * the champion's; worse, the same way round.
   */
  promoteRelative: number
  promoteAbsolute: number
  /** How often the follower looks for new batch files, in ms. */
  pollMs: number
  /** Complete versions kept besides the champion, challenger and rollback targets. */
  keepVersions: number
}

/** The batch writer of `traffic up`: its consume stage, and the consumer that follows the live stream. */
export interface ConsumeConfig {
  /** Rows per batch file: the unit in which new rows reach the continuous trainer. */
  batchRows: number
}

export interface Config {
  kafka: KafkaConfig
  spark: SparkConfig
  engines: EnginesConfig
  cluster: ClusterConfig
  paths: PathsConfig
  storage: StorageConfig
  live: LiveConfig
  lifecycle: LifecycleConfig
  consume: ConsumeConfig
  /**
   * `corsOrigins`: browser origins allowed to call the API (the UI's); `logLevel`: pino level of `traffic serve`;
   * `adminToken`: bearer token of the /admin/* routes (off without one); `requestTimeoutMs`: a request's headers
   * and body must arrive within it, or its connection is closed. With models on object storage, the API copies the
   * published version into `modelsCacheDir` and asks every `modelsPollMs` whether another one was published.
   */
  api: {
    host: string
    port: number
    corsOrigins: string[]
    logLevel: string
    adminToken: string | undefined
    requestTimeoutMs: number
    modelsCacheDir: string
    modelsPollMs: number
  }
  /** The web UI's server; `apiUrl` is where it forwards the browser's /api requests. */
  ui: { host: string; port: number; apiUrl: string }
}

/** Values given on the command line; anything absent falls back to the environment, then the defaults. */
export interface ConfigOverrides {
  brokers?: string
  sparkRemote?: string
  topic?: string
  partitions?: number
  compression?: string
  cacheDir?: string
  stateDir?: string
  dataset?: string
  batches?: string
  models?: string
  apiHost?: string
  apiPort?: number
  uiPort?: number
  uiHost?: string
  apiUrl?: string
  liveClock?: number
  liveRate?: number
}

export const DEFAULTS = {
  kafkaPort: 9092,
  kafkaControllerPort: 9093,
  sparkPort: 15002,
  sparkDriverMemory: '4g',
  sparkControlDeadlineMs: 15_000,
  // Spark Connect's Netty server keeps grpc-java's permitKeepAliveTime of 5 minutes: more frequent pings
  // are answered with GOAWAY (too_many_pings).
  sparkKeepalive: { timeMs: 300_000, timeoutMs: 20_000 },
  topic: 'urban_traffic_stream',
  partitions: 1,
  compression: 'none' as KafkaCodec,
  dataset: 'dataset/futuristic_city_traffic.csv',
  batches: 'batched_data_traffic',
  models: 'spark_models_traffic',
  apiHost: '127.0.0.1',
  enginesHost: '127.0.0.1',
  apiPort: 5000,
  // Kafka 19092-19094, controllers 19192-19194, Spark 19002/19077, UIs 19040/19080-19082, S3Proxy 19433: clear of
  // the defaults.
  clusterPortBase: 19_000,
  apiRequestTimeoutMs: 30_000,
  modelsPollMs: 2_000,
  uiPort: 8501,
  liveWindowsTopic: 'urban_traffic_windows',
  liveAlertsTopic: 'urban_traffic_alerts',
  liveClock: 360,
  liveRate: 500,
  liveWindow: '1 hour',
  liveWatermark: '10 minutes',
  liveTrigger: '1 second',
  liveApiGroup: 'traffic-api-live',
  s3Region: 'us-east-1',
  s3RequestTimeoutMs: 30_000,
  // About a quarter of the data set: the README's learners score within 0.001 R² of the full data on 300 k rows,
  // so the window follows change without losing quality.
  windowRows: 300_000,
  // One default batch file (`traffic consume --batch-size`): a new file is the unit in which new data arrives.
  minNewRows: 100_000,
  // Off: new rows and drift already retrain a changing stream; a schedule would retrain on unchanged data.
  scheduleMs: 0,
  // Held-out errors vary by a few percent between splits; half as much error again is a real change.
  driftErrorRatio: 1.5,
  // The conventional level of a significant population shift (PSI_LEVELS.significant in src/drift.ts).
  driftPsi: 0.25,
  // A thousand rows put a held-out error within a few percent and fill each of ten bins with about a hundred.
  driftMinRows: 1_000,
  // Differences below a thousandth of R² or AUC, or 5 % of the error, are within the noise of one split.
  promoteAbsolute: 0.001,
  promoteRelative: 0.05,
  // New batch files arrive every few seconds at the live rate; checking more often only lists the store again.
  followPollMs: 10_000,
  // Recent history to compare and roll back to, without keeping every retraining on disk.
  keepVersions: 10,
  // As `traffic consume --batch-size`: one file per 200 s of the live feed at its default rate.
  batchRows: 100_000,
} as const

type Env = Record<string, string | undefined>

function integer(name: string, raw: string | number | undefined, fallback: number, min = 1): number {
  if (raw === undefined || raw === '') return fallback
  const value = typeof raw === 'number' ? raw : Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new TrafficError('INVALID_CONFIG', `${name} must be an integer ≥ ${min}, got "${raw}"`)
  }
  return value
}

/** A number from `min` on, up to `max` when given (a ratio, a share); the setting's name in the error. */
function decimal(name: string, raw: string | undefined, fallback: number, min = 0, max?: number): number {
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > (max ?? value)) {
    const range = max === undefined ? `≥ ${min}` : `from ${min} to ${max}`
    throw new TrafficError('INVALID_CONFIG', `${name} must be a number ${range}, got "${raw}"`)
  }
  return value
}

function lifecycleConfig(env: Env): LifecycleConfig {
  return {
    windowRows: integer('TRAFFIC_WINDOW_ROWS', env.TRAFFIC_WINDOW_ROWS, DEFAULTS.windowRows),
    minNewRows: integer('TRAFFIC_RETRAIN_ROWS', env.TRAFFIC_RETRAIN_ROWS, DEFAULTS.minNewRows),
    scheduleMs: integer('TRAFFIC_RETRAIN_EVERY_MS', env.TRAFFIC_RETRAIN_EVERY_MS, DEFAULTS.scheduleMs, 0),
    driftErrorRatio: decimal(
      'TRAFFIC_DRIFT_ERROR_RATIO',
      env.TRAFFIC_DRIFT_ERROR_RATIO,
      DEFAULTS.driftErrorRatio,
      1,
    ),
    driftPsi: decimal('TRAFFIC_DRIFT_PSI', env.TRAFFIC_DRIFT_PSI, DEFAULTS.driftPsi),
    // Spark reads no fewer than 100 batch rows (training's minimum, src/training/batches.ts).
    driftMinRows: integer('TRAFFIC_DRIFT_MIN_ROWS', env.TRAFFIC_DRIFT_MIN_ROWS, DEFAULTS.driftMinRows, 100),
    // A share of the champion's error: above all of it, no challenger could ever be better.
    promoteRelative: decimal(
      'TRAFFIC_PROMOTE_RELATIVE',
      env.TRAFFIC_PROMOTE_RELATIVE,
      DEFAULTS.promoteRelative,
      0,
      1,
    ),
    promoteAbsolute: decimal(
      'TRAFFIC_PROMOTE_ABSOLUTE',
      env.TRAFFIC_PROMOTE_ABSOLUTE,
      DEFAULTS.promoteAbsolute,
    ),
    pollMs: integer('TRAFFIC_FOLLOW_POLL_MS', env.TRAFFIC_FOLLOW_POLL_MS, DEFAULTS.followPollMs),
    keepVersions: integer('TRAFFIC_MODELS_KEEP', env.TRAFFIC_MODELS_KEEP, DEFAULTS.keepVersions),
  }
}

/** Kafka's legal topic names, with room for the `.dlq` suffix of the dead-letter topic. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,245}$/

/** A topic name Kafka accepts (it also names batch and state files), or a clear error naming the setting. */
function topicName(name: string, raw: string): string {
  if (!TOPIC_NAME.test(raw) || raw === '.' || raw === '..') {
    throw new TrafficError(
      'INVALID_CONFIG',
      `${name} must be a Kafka topic name, got "${raw.slice(0, 80)}"`,
      {
        hint: 'use 1–245 letters, digits, ".", "_" or "-"',
      },
    )
  }
  return raw
}

function kafkaCodec(raw: string | undefined): KafkaCodec {
  if (raw === undefined || raw === '') return DEFAULTS.compression
  const codec = KAFKA_CODECS.find((name) => name === raw.toLowerCase())
  if (!codec) {
    throw new TrafficError(
      'INVALID_CONFIG',
      `KAFKA_COMPRESSION (--compression) must be one of ${KAFKA_CODECS.join(', ')}, got "${raw}"`,
    )
  }
  if (!codecAvailable(codec)) {
    throw new TrafficError(
      'INVALID_CONFIG',
      `KAFKA_COMPRESSION (--compression) ${codec} needs Node ≥ 22 (this is ${process.version})`,
      { hint: `use one of ${KAFKA_CODECS.filter(codecAvailable).join(', ')}` },
    )
  }
  return codec
}

function httpUrl(name: string, raw: string): string {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new TrafficError('INVALID_CONFIG', `${name} must be an http(s) URL, got "${raw}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TrafficError('INVALID_CONFIG', `${name} must be an http(s) URL, got "${raw}"`)
  }
  return raw.replace(/\/+$/, '')
}

/** An address clients can reach: Kafka advertises it, so a wildcard (all interfaces) will not do. */
function enginesHost(raw: string): string {
  if (raw === '0.0.0.0' || raw === '' || isIPv6(raw)) {
    throw new TrafficError(
      'INVALID_CONFIG',
      `TRAFFIC_ENGINES_HOST must be the IPv4 address or host name of one interface, got "${raw}"`,
      { hint: 'e.g. 192.168.1.20 to reach the engines from your network; the default is 127.0.0.1' },
    )
  }
  return raw
}

function oneOf<T extends string>(name: string, raw: string, allowed: readonly T[]): T {
  const found = allowed.find((value) => value === raw.toUpperCase())
  if (found === undefined) {
    throw new TrafficError('INVALID_CONFIG', `${name} must be one of ${allowed.join(', ')}, got "${raw}"`)
  }
  return found
}

function kafkaSecurity(env: Env): KafkaSecurity {
  const protocol = oneOf(
    'KAFKA_SECURITY_PROTOCOL',
    env.KAFKA_SECURITY_PROTOCOL || 'PLAINTEXT',
    KAFKA_SECURITY_PROTOCOLS,
  )
  const caFile = env.KAFKA_SSL_CA_FILE ? path.resolve(env.KAFKA_SSL_CA_FILE) : undefined
  const {
    KAFKA_SASL_MECHANISM: mechanism,
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  } = env
  if (!protocol.startsWith('SASL_')) {
    if (mechanism || username || password) {
      throw new TrafficError(
        'INVALID_CONFIG',
        `KAFKA_SASL_* is set but KAFKA_SECURITY_PROTOCOL is ${protocol}, which sends no credentials`,
        { hint: 'set KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SASL_PLAINTEXT)' },
      )
    }
  } else if (!username || !password) {
    throw new TrafficError(
      'INVALID_CONFIG',
      `KAFKA_SECURITY_PROTOCOL=${protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`,
    )
  }
  if (caFile && !protocol.endsWith('SSL')) {
    throw new TrafficError(
      'INVALID_CONFIG',
      `KAFKA_SSL_CA_FILE is set but KAFKA_SECURITY_PROTOCOL is ${protocol}, which does not use TLS`,
      { hint: 'set KAFKA_SECURITY_PROTOCOL=SASL_SSL (or SSL)' },
    )
  }
  return {
    protocol,
    ...(username && password
      ? {
          sasl: {
            mechanism: oneOf('KAFKA_SASL_MECHANISM', mechanism || 'SCRAM-SHA-512', KAFKA_SASL_MECHANISMS),
            username,
            password,
          },
        }
      : {}),
    ...(caFile ? { caFile } : {}),
  }
}

function s3Settings(env: Env): S3Settings {
  const endpointSetting = env.AWS_ENDPOINT_URL_S3
    ? 'AWS_ENDPOINT_URL_S3'
    : env.AWS_ENDPOINT_URL
      ? 'AWS_ENDPOINT_URL'
      : undefined
  const endpoint = endpointSetting && httpUrl(endpointSetting, env[endpointSetting] as string)
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey } = env
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) {
    const missing = accessKeyId ? 'AWS_SECRET_ACCESS_KEY' : 'AWS_ACCESS_KEY_ID'
    throw new TrafficError('INVALID_CONFIG', `${missing} is not set, but its pair is`, {
      hint: 'set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither (then AWS_PROFILE or the machine role)',
    })
  }
  return {
    ...(endpoint && endpointSetting ? { endpoint, endpointSetting } : {}),
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || DEFAULTS.s3Region,
    forcePathStyle: endpoint !== undefined,
    requestTimeoutMs: integer(
      'S3_REQUEST_TIMEOUT_MS',
      env.S3_REQUEST_TIMEOUT_MS,
      DEFAULTS.s3RequestTimeoutMs,
      1,
    ),
    ...(accessKeyId && secretAccessKey
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
          },
        }
      : {}),
    ...(env.AWS_PROFILE ? { profile: env.AWS_PROFILE } : {}),
  }
}

function validSparkRemote(remote: string): string {
  try {
    parseSparkRemote(remote)
  } catch (error) {
    if (!isSparkConnectError(error, 'INVALID_REMOTE')) throw error
    throw new TrafficError('INVALID_CONFIG', `SPARK_REMOTE (--spark-remote): ${error.message}`, {
      hint: error.hint,
      cause: error,
    })
  }
  return remote
}

export function loadConfig(overrides: ConfigOverrides = {}, env: Env = process.env): Config {
  const kafkaPort = integer('KAFKA_PORT', env.KAFKA_PORT, DEFAULTS.kafkaPort)
  const sparkPort = integer('SPARK_CONNECT_PORT', env.SPARK_CONNECT_PORT, DEFAULTS.sparkPort)
  const brokersRaw = overrides.brokers ?? env.KAFKA_BROKERS
  const remoteRaw = overrides.sparkRemote ?? env.SPARK_REMOTE
  const topic = topicName('KAFKA_TOPIC (--topic)', overrides.topic ?? env.KAFKA_TOPIC ?? DEFAULTS.topic)
  const engineHost = enginesHost(env.TRAFFIC_ENGINES_HOST ?? DEFAULTS.enginesHost)
  const stateDir = path.resolve(overrides.stateDir ?? env.TRAFFIC_STATE_DIR ?? '.traffic')

  const uiPort = integer('UI_PORT (--port)', overrides.uiPort ?? env.UI_PORT, DEFAULTS.uiPort)
  const api = {
    host: overrides.apiHost ?? env.API_HOST ?? DEFAULTS.apiHost,
    // 0 asks the system for a free port (tests, several servers side by side).
    port: integer('API_PORT (--port)', overrides.apiPort ?? env.API_PORT, DEFAULTS.apiPort, 0),
    corsOrigins: (env.API_CORS_ORIGINS ?? `http://127.0.0.1:${uiPort},http://localhost:${uiPort}`)
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    logLevel: env.API_LOG_LEVEL ?? 'info',
    adminToken: env.API_ADMIN_TOKEN || undefined,
    requestTimeoutMs: integer(
      'API_REQUEST_TIMEOUT_MS',
      env.API_REQUEST_TIMEOUT_MS,
      DEFAULTS.apiRequestTimeoutMs,
    ),
    modelsCacheDir: path.resolve(env.TRAFFIC_MODELS_CACHE ?? path.join(stateDir, 'models-cache')),
    modelsPollMs: integer('TRAFFIC_MODELS_POLL_MS', env.TRAFFIC_MODELS_POLL_MS, DEFAULTS.modelsPollMs),
  }

  return {
    kafka: {
      brokers: (brokersRaw ?? `${engineHost}:${kafkaPort}`)
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
      local: brokersRaw === undefined,
      port: kafkaPort,
      controllerPort: integer(
        'KAFKA_CONTROLLER_PORT',
        env.KAFKA_CONTROLLER_PORT,
        DEFAULTS.kafkaControllerPort,
      ),
      topic,
      deadLetterTopic: `${topic}.dlq`,
      partitions: integer(
        'KAFKA_PARTITIONS (--partitions)',
        overrides.partitions ?? env.KAFKA_PARTITIONS,
        DEFAULTS.partitions,
      ),
      compression: kafkaCodec(overrides.compression ?? env.KAFKA_COMPRESSION),
      security: kafkaSecurity(env),
    },
    spark: {
      remote: validSparkRemote(remoteRaw ?? `sc://${engineHost}:${sparkPort}`),
      local: remoteRaw === undefined,
      port: sparkPort,
      driverMemory: env.SPARK_DRIVER_MEMORY ?? DEFAULTS.sparkDriverMemory,
      controlDeadlineMs: integer(
        'SPARK_CONTROL_DEADLINE_MS',
        env.SPARK_CONTROL_DEADLINE_MS,
        DEFAULTS.sparkControlDeadlineMs,
      ),
      keepalive: DEFAULTS.sparkKeepalive,
      ...(env.SPARK_SSL_CA_FILE ? { caFile: path.resolve(env.SPARK_SSL_CA_FILE) } : {}),
    },
    engines: {
      cacheDir: path.resolve(
        overrides.cacheDir ??
          env.TRAFFIC_ENGINES_CACHE ??
          path.join(homedir(), '.cache', 'urban-traffic', 'engines'),
      ),
      stateDir,
      host: engineHost,
    },
    cluster: {
      portBase: integer(
        'TRAFFIC_CLUSTER_PORT_BASE',
        env.TRAFFIC_CLUSTER_PORT_BASE,
        DEFAULTS.clusterPortBase,
        1024,
      ),
      dir: path.join(stateDir, 'cluster'),
    },
    paths: {
      dataset: path.resolve(overrides.dataset ?? env.TRAFFIC_DATASET ?? DEFAULTS.dataset),
      batches: storeLocation(
        'TRAFFIC_BATCHES (--batches)',
        overrides.batches ?? env.TRAFFIC_BATCHES ?? DEFAULTS.batches,
      ),
      models: storeLocation(
        'TRAFFIC_MODELS (--models)',
        overrides.models ?? env.TRAFFIC_MODELS ?? DEFAULTS.models,
      ),
      checkpoints: storeLocation(
        'TRAFFIC_CHECKPOINTS',
        env.TRAFFIC_CHECKPOINTS ?? path.join(stateDir, 'live'),
      ),
    },
    storage: {
      s3: s3Settings(env),
    },
    live: {
      windowsTopic: topicName('LIVE_WINDOWS_TOPIC', env.LIVE_WINDOWS_TOPIC ?? DEFAULTS.liveWindowsTopic),
      alertsTopic: topicName('LIVE_ALERTS_TOPIC', env.LIVE_ALERTS_TOPIC ?? DEFAULTS.liveAlertsTopic),
      clock: integer('LIVE_CLOCK (--clock)', overrides.liveClock ?? env.LIVE_CLOCK, DEFAULTS.liveClock),
      rate: integer('LIVE_RATE (--rate)', overrides.liveRate ?? env.LIVE_RATE, DEFAULTS.liveRate),
      window: DEFAULTS.liveWindow,
      watermark: DEFAULTS.liveWatermark,
      trigger: DEFAULTS.liveTrigger,
      apiGroup: DEFAULTS.liveApiGroup,
    },
    lifecycle: lifecycleConfig(env),
    consume: { batchRows: integer('TRAFFIC_BATCH_ROWS', env.TRAFFIC_BATCH_ROWS, DEFAULTS.batchRows) },
    api,
    ui: {
      host: overrides.uiHost ?? env.UI_HOST ?? DEFAULTS.apiHost,
      port: uiPort,
      apiUrl: httpUrl(
        'TRAFFIC_API_URL (--api)',
        overrides.apiUrl ?? env.TRAFFIC_API_URL ?? httpUrlOf(api.host, api.port),
      ),
    },
  }
}

/** The PEM file a `*_SSL_CA_FILE` setting names, read when a client is made; a clear error names the setting. */
export function readCaFile(setting: string, file: string, signs: string): Buffer {
  try {
    return readFileSync(file)
  } catch (error) {
    throw new TrafficError('INVALID_CONFIG', `${setting} ${file} cannot be read`, {
      hint: `point it at the PEM file of the CA that signed ${signs}`,
      cause: error,
    })
  }
}
