// The two Structured Streaming queries of `traffic live`, built as Spark Connect plans: both read the stream
// topic, parse the JSON rows (counting malformed ones), and aggregate tumbling event-time windows per city.
// `windows` writes every update of a window (update mode); `alerts` writes each finished window whose mean
// density is far above what is normal for its city, day and hour (src/congestion.ts), with its severity, once,
// when the watermark closes it (append mode).
import type { KafkaConfig } from '../config.ts'
import { ALERT_Z, type CongestionCell } from '../congestion.ts'
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
  /** What is normal per city, Day Of Week and Hour Of Day: the alerts compare each window with it. */
  baseline: CongestionCell[]
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

const double = (value: number) => `CAST(${sqlString(String(value))} AS DOUBLE)`

/** The key of a window's baseline: its city, and the Day Of Week and hour its start falls in (UTC). */
const BASELINE_KEY = `concat(city, '|', date_format(window.start, 'EEEE'), '|', CAST(hour(window.start) AS STRING))`

/**
 * A window's normal `{expected, spread}`, looked up in `map('<City>|<Day>|<hour>', named_struct(…), …)`: the
 * baseline travels in the plan, no lookup table needed. Cells without a positive spread cannot rate a window and
 * are left out; with none left, every window's normal is null (no alerts).
 */
function normalExpression(cells: CongestionCell[]): string {
  const entries = cells
    .filter((cell) => Number.isFinite(cell.expected) && Number.isFinite(cell.spread) && cell.spread > 0)
    .map(
      (cell) =>
        `${sqlString(`${cell.city}|${cell.day}|${cell.hour}`)}, named_struct('expected', ${double(cell.expected)}, ` +
        `'spread', ${double(cell.spread)})`,
    )
  return entries.length
    ? `element_at(map(${entries.join(', ')}), ${BASELINE_KEY})`
    : 'CAST(NULL AS STRUCT<expected: DOUBLE, spread: DOUBLE>)'
}

function alertsQuery(spark: SparkSession, options: LiveStreamsOptions): Promise<StreamingQuery> {
  return liveRows(spark, options)
    .groupBy(
      [`window(event_time, ${sqlString(options.window)})`, 'city'],
      ['count(1) AS rows', 'avg(density) AS mean_traffic_density'],
    )
    .withColumn('normal', normalExpression(options.baseline))
    .withColumn('z', '(mean_traffic_density - normal.expected) / normal.spread')
    .filter(`z >= ${ALERT_Z.low}`)
    .select(
      windowKey(),
      `to_json(named_struct('city', city, 'window_start', ${iso('window.start')}, 'window_end', ${iso('window.end')}, ` +
        `'rows', rows, 'mean_traffic_density', mean_traffic_density, 'expected', normal.expected, ` +
        `'spread', normal.spread, 'threshold', normal.expected + ${ALERT_Z.low} * normal.spread, 'z', z, ` +
        `'severity', CASE WHEN z >= ${ALERT_Z.high} THEN 'high' ELSE 'low' END)) AS value`,
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
