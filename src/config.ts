// The one typed configuration. Precedence: command-line flags > environment variables > defaults.
// Defaults describe the embedded local engines; KAFKA_BROKERS / SPARK_REMOTE point at existing ones instead.
import { homedir } from 'node:os'
import path from 'node:path'
import { TrafficError } from './errors.ts'
import { parseSparkRemote } from './spark/remote.ts'

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
}

export interface SparkConfig {
  /** Spark Connect endpoint, `sc://host:port`. */
  remote: string
  /** True when we run the Spark Connect server ourselves (SPARK_REMOTE not set). */
  local: boolean
  port: number
  /** JVM heap of the local server, e.g. `4g`. */
  driverMemory: string
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
  /** The consumer group the API follows the stream in (live scoring). */
  apiGroup: string
}

export interface EnginesConfig {
  /** Where fetched engine jars live; shared across clones so a second clone starts warm. */
  cacheDir: string
  /** Runtime state of the local engines: KRaft storage, logs, PID files. */
  stateDir: string
}

export interface PathsConfig {
  dataset: string
  batches: string
  models: string
}

export interface Config {
  kafka: KafkaConfig
  spark: SparkConfig
  engines: EnginesConfig
  paths: PathsConfig
  live: LiveConfig
  /** `corsOrigins`: browser origins allowed to call the API (the UI's); `logLevel`: pino level of `traffic serve`. */
  api: { host: string; port: number; corsOrigins: string[]; logLevel: string }
  /** The web UI's server; `apiUrl` is where it forwards the browser's /api requests. */
  ui: { host: string; port: number; apiUrl: string }
}

/** Values given on the command line; anything absent falls back to the environment, then the defaults. */
export interface ConfigOverrides {
  brokers?: string
  sparkRemote?: string
  topic?: string
  partitions?: number
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
  topic: 'urban_traffic_stream',
  partitions: 1,
  dataset: 'dataset/futuristic_city_traffic.csv',
  batches: 'batched_data_traffic',
  models: 'spark_models_traffic',
  apiHost: '127.0.0.1',
  apiPort: 5000,
  uiPort: 8501,
  liveWindowsTopic: 'urban_traffic_windows',
  liveAlertsTopic: 'urban_traffic_alerts',
  liveClock: 360,
  liveRate: 500,
  liveWindow: '1 hour',
  liveWatermark: '10 minutes',
  liveTrigger: '1 second',
  liveApiGroup: 'traffic-api-live',
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

function validSparkRemote(remote: string): string {
  parseSparkRemote(remote)
  return remote
}

export function loadConfig(overrides: ConfigOverrides = {}, env: Env = process.env): Config {
  const kafkaPort = integer('KAFKA_PORT', env.KAFKA_PORT, DEFAULTS.kafkaPort)
  const sparkPort = integer('SPARK_CONNECT_PORT', env.SPARK_CONNECT_PORT, DEFAULTS.sparkPort)
  const brokersRaw = overrides.brokers ?? env.KAFKA_BROKERS
  const remoteRaw = overrides.sparkRemote ?? env.SPARK_REMOTE
  const topic = overrides.topic ?? env.KAFKA_TOPIC ?? DEFAULTS.topic

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
  }

  return {
    kafka: {
      brokers: (brokersRaw ?? `127.0.0.1:${kafkaPort}`)
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
    },
    spark: {
      remote: validSparkRemote(remoteRaw ?? `sc://127.0.0.1:${sparkPort}`),
      local: remoteRaw === undefined,
      port: sparkPort,
      driverMemory: env.SPARK_DRIVER_MEMORY ?? DEFAULTS.sparkDriverMemory,
    },
    engines: {
      cacheDir: path.resolve(
        overrides.cacheDir ??
          env.TRAFFIC_ENGINES_CACHE ??
          path.join(homedir(), '.cache', 'urban-traffic', 'engines'),
      ),
      stateDir: path.resolve(overrides.stateDir ?? env.TRAFFIC_STATE_DIR ?? '.traffic'),
    },
    paths: {
      dataset: path.resolve(overrides.dataset ?? env.TRAFFIC_DATASET ?? DEFAULTS.dataset),
      batches: path.resolve(overrides.batches ?? env.TRAFFIC_BATCHES ?? DEFAULTS.batches),
      models: path.resolve(overrides.models ?? env.TRAFFIC_MODELS ?? DEFAULTS.models),
    },
    live: {
      windowsTopic: env.LIVE_WINDOWS_TOPIC ?? DEFAULTS.liveWindowsTopic,
      alertsTopic: env.LIVE_ALERTS_TOPIC ?? DEFAULTS.liveAlertsTopic,
      clock: integer('LIVE_CLOCK (--clock)', overrides.liveClock ?? env.LIVE_CLOCK, DEFAULTS.liveClock),
      rate: integer('LIVE_RATE (--rate)', overrides.liveRate ?? env.LIVE_RATE, DEFAULTS.liveRate),
      window: DEFAULTS.liveWindow,
      watermark: DEFAULTS.liveWatermark,
      trigger: DEFAULTS.liveTrigger,
      apiGroup: DEFAULTS.liveApiGroup,
    },
    api,
    ui: {
      host: overrides.uiHost ?? env.UI_HOST ?? DEFAULTS.apiHost,
      port: uiPort,
      apiUrl: httpUrl(
        'TRAFFIC_API_URL (--api)',
        overrides.apiUrl ?? env.TRAFFIC_API_URL ?? `http://${api.host}:${api.port}`,
      ),
    },
  }
}
