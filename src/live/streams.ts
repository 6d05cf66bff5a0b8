// The two Structured Streaming queries of `traffic live`, built as Spark Connect plans: both read the stream
// topic, parse the JSON rows (counting malformed ones), and aggregate tumbling event-time windows per city.
// `windows` writes every update of a window (update mode); `alerts` writes each finished window whose mean
// density is over its city's congestion threshold, once, when the watermark closes it (append mode).
import type { KafkaConfig } from '../config.ts'
import { BATCH_SCHEMA } from '../contract/batch-schema.ts'
import { type DataFrame, type SparkSession, type StreamingQuery, toDDL } from '../spark/index.ts'
import { EVENT_TIME_KEY } from './message.ts'
import { sparkKafkaOptions } from './spark-kafka-options.ts'

export interface LiveStreamsOptions {
  kafka: Pick<KafkaConfig, 'brokers' | 'security'>
  sourceTopic: string
  windowsTopic: string
  alertsTopic: string
  /** Tumbling window length, e.g. `1 hour`. */
  window: string
  watermark: string
  trigger: string
  /** Where the checkpoints go as Spark names it, a folder or `s3a://…` (one sub-folder per query); a restart resumes from them. */
  checkpointDir: string
  /** Where a query without a checkpoint starts reading: the live feed only (`latest`) or the whole topic. */
  startingOffsets: 'earliest' | 'latest'
  /** Congestion threshold of mean Traffic Density per city. */
  thresholds: Record<string, number>
}

export const LIVE_QUERY_NAMES = { windows: 'traffic_live_windows', alerts: 'traffic_live_alerts' } as const

/** The observed metrics every micro-batch reports: rows read and rows that are not a valid live row. */
export const INPUT_OBSERVATION = 'live_input'

const MESSAGE_SCHEMA = toDDL([...BATCH_SCHEMA, { name: EVENT_TIME_KEY, type: 'string' }])

/** A timestamp as ISO-8601 UTC with milliseconds (the live session's time zone is UTC). */
const iso = (column: string) => `date_format(${column}, "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")`

const field = (name: string) => `row.\`${name}\``

const REQUIRED = ['city', 'event_time', 'density', 'speed', 'peak', 'energy']

function sqlString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`
}

/** The valid rows of the topic with their event time, watermarked. */
function liveRows(spark: SparkSession, options: LiveStreamsOptions): DataFrame {
  const valid = REQUIRED.map((column) => `${column} IS NOT NULL`).join(' AND ')
  return spark
    .readStream('kafka', {
      ...sparkKafkaOptions(options.kafka),
      subscribe: options.sourceTopic,
      startingOffsets: options.startingOffsets,
      // Offsets in a checkpoint may be gone (topic deleted, retention): go on from what is there.
      failOnDataLoss: 'false',
    })
    .select(`from_json(CAST(value AS STRING), ${sqlString(MESSAGE_SCHEMA)}) AS row`)
    .select(
      `${field('City')} AS city`,
      `try_to_timestamp(${field(EVENT_TIME_KEY)}) AS event_time`,
      `${field('Traffic Density')} AS density`,
      `${field('Speed')} AS speed`,
      `${field('Is Peak Hour')} AS peak`,
      `${field('Energy Consumption')} AS energy`,
    )
    .observe(INPUT_OBSERVATION, ['count(1) AS rows', `count_if(NOT (${valid})) AS malformed`])
    .filter(valid)
    .withWatermark('event_time', options.watermark)
}

function windowKey(): string {
  return `concat(city, '|', ${iso('window.start')}) AS key`
}

function windowsQuery(spark: SparkSession, options: LiveStreamsOptions): Promise<StreamingQuery> {
  return liveRows(spark, options)
    .groupBy(
      [`window(event_time, ${sqlString(options.window)})`, 'city'],
      [
        'count(1) AS rows',
        'avg(density) AS mean_traffic_density',
        'avg(speed) AS mean_speed',
        'avg(peak) AS peak_share',
        'avg(energy) AS mean_energy_consumption',
      ],
    )
    .select(
      windowKey(),
      `to_json(named_struct('city', city, 'window_start', ${iso('window.start')}, 'window_end', ${iso('window.end')}, ` +
        `'rows', rows, 'mean_traffic_density', mean_traffic_density, 'mean_speed', mean_speed, ` +
        `'peak_share', peak_share, 'mean_energy_consumption', mean_energy_consumption)) AS value`,
    )
    .writeStream(sink(options, options.windowsTopic, LIVE_QUERY_NAMES.windows, 'update'))
}

/** `CASE city WHEN 'A' THEN 0.61 … END`: the thresholds travel in the plan, no lookup table needed. */
function thresholdExpression(thresholds: Record<string, number>): string {
  const cases = Object.entries(thresholds)
    .filter(([, value]) => Number.isFinite(value))
    .map(([city, value]) => `WHEN ${sqlString(city)} THEN CAST(${sqlString(String(value))} AS DOUBLE)`)
  return cases.length ? `CASE city ${cases.join(' ')} END` : 'CAST(NULL AS DOUBLE)'
}

function alertsQuery(spark: SparkSession, options: LiveStreamsOptions): Promise<StreamingQuery> {
  return liveRows(spark, options)
    .groupBy(
      [`window(event_time, ${sqlString(options.window)})`, 'city'],
      ['count(1) AS rows', 'avg(density) AS mean_traffic_density'],
    )
    .withColumn('threshold', thresholdExpression(options.thresholds))
    .filter('mean_traffic_density > threshold')
    .select(
      windowKey(),
      `to_json(named_struct('city', city, 'window_start', ${iso('window.start')}, 'window_end', ${iso('window.end')}, ` +
        `'rows', rows, 'mean_traffic_density', mean_traffic_density, 'threshold', threshold)) AS value`,
    )
    .writeStream(sink(options, options.alertsTopic, LIVE_QUERY_NAMES.alerts, 'append'))
}

function sink(
  options: LiveStreamsOptions,
  topic: string,
  queryName: string,
  outputMode: 'update' | 'append',
) {
  return {
    format: 'kafka',
    options: {
      ...sparkKafkaOptions(options.kafka),
      topic,
      checkpointLocation: `${options.checkpointDir}/${queryName}`,
    },
    outputMode,
    trigger: options.trigger,
    queryName,
  }
}

/**
 * Session settings of the queries: window times printed in UTC; two state partitions, because the state is a
 * few windows per city (tens of keys) and every partition costs a state-store commit per micro-batch. Both are
 * fixed in the checkpoint when a query first starts.
 */
export const LIVE_SESSION_CONF = { 'spark.sql.session.timeZone': 'UTC', 'spark.sql.shuffle.partitions': '2' }

/** Starts both queries (resuming from their checkpoints when they exist). */
export async function startLiveStreams(
  spark: SparkSession,
  options: LiveStreamsOptions,
): Promise<StreamingQuery[]> {
  await spark.setConf(LIVE_SESSION_CONF)
  return [await windowsQuery(spark, options), await alertsQuery(spark, options)]
}
