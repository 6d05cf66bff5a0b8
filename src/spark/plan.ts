// Pure builders of Spark Connect relations and commands: each returns a protobuf object and does no I/O,
// so plans are unit-tested without a server and the DataFrame only has to hold one relation.
import { SparkConnectError } from './errors.ts'
import { alias, expr, fn, lit } from './expressions.ts'
import type {
  Command,
  Expression,
  Int64,
  Plan,
  Relation,
  SaveMode,
  StreamingQueryCommand,
  StreamingQueryInstanceId,
} from './protocol.ts'
import { type SchemaInput, toDDL } from './schema.ts'

export type ColumnInput = Expression | string

/** A string is a SQL expression (`'speed * 2 AS fast'`); anything else is an expression already built. */
function toExpression(column: ColumnInput): Expression {
  return typeof column === 'string' ? expr(column) : column
}

export interface ReadCsvOptions {
  /** Explicit schema, so nothing is inferred and types are what we say. */
  schema: SchemaInput
  /** First line holds column names (default true). */
  header?: boolean
  /** Any other Spark CSV option, e.g. `{ mode: 'FAILFAST' }`. */
  options?: Record<string, string>
}

export function readCsv(paths: string | string[], options: ReadCsvOptions): Relation {
  return {
    read: {
      data_source: {
        format: 'csv',
        schema: toDDL(options.schema),
        options: { header: String(options.header ?? true), ...options.options },
        paths: Array.isArray(paths) ? paths : [paths],
      },
    },
  }
}

/** An unbounded source (`spark.readStream.format(format).options(options).load()`). */
export function readStream(format: string, options: Record<string, string>): Relation {
  return { read: { data_source: { format, options, paths: [] }, is_streaming: true } }
}

/** Event-time column and how late its rows may come, e.g. `withWatermark(r, 'event_time', '10 minutes')`. */
export function withWatermark(input: Relation, eventTime: string, delay: string): Relation {
  return { with_watermark: { input, event_time: eventTime, delay_threshold: delay } }
}

/** `df.observe(name, metrics…)`: aggregates reported with each streaming micro-batch's progress. */
export function observe(input: Relation, name: string, metrics: ColumnInput[]): Relation {
  return { collect_metrics: { input, name, metrics: metrics.map(toExpression) } }
}

/** `GROUP BY keys` with the given aggregates (`groupBy(r, ['City'], ['count(1) AS rows'])`). */
export function groupBy(input: Relation, keys: ColumnInput[], aggregates: ColumnInput[]): Relation {
  if (aggregates.length === 0)
    throw new SparkConnectError('INVALID_ARGUMENT', 'groupBy needs at least one aggregate')
  return {
    aggregate: {
      input,
      group_type: 'GROUP_TYPE_GROUPBY',
      grouping_expressions: keys.map(toExpression),
      aggregate_expressions: aggregates.map(toExpression),
    },
  }
}

export function sql(query: string): Relation {
  return { sql: { query } }
}

export function table(name: string): Relation {
  return { read: { named_table: { unparsed_identifier: name } } }
}

export function select(input: Relation, columns: ColumnInput[]): Relation {
  if (columns.length === 0)
    throw new SparkConnectError('INVALID_ARGUMENT', 'select needs at least one column')
  return { project: { input, expressions: columns.map(toExpression) } }
}

export function filter(input: Relation, condition: ColumnInput): Relation {
  return { filter: { input, condition: toExpression(condition) } }
}

/** Adds or replaces columns, in the given order. */
export function withColumns(input: Relation, columns: Record<string, ColumnInput>): Relation {
  const aliases = Object.entries(columns).map(([name, column]) => ({
    expr: toExpression(column),
    name: [name],
  }))
  return { with_columns: { input, aliases } }
}

export function limit(input: Relation, count: number): Relation {
  return { limit: { input, limit: count } }
}

/** `SELECT count(1) AS count FROM input`, as the DataFrame API builds it (a global Aggregate). */
export function count(input: Relation): Relation {
  return {
    aggregate: {
      input,
      group_type: 'GROUP_TYPE_GROUPBY',
      grouping_expressions: [],
      aggregate_expressions: [alias(fn('count', lit(1)), 'count')],
    },
  }
}

export interface SampleOptions {
  fraction: number
  withReplacement?: boolean
  seed: Int64
}

export function sample(input: Relation, options: SampleOptions): Relation {
  if (!(options.fraction >= 0)) throw new SparkConnectError('INVALID_ARGUMENT', 'sample fraction must be ≥ 0')
  return {
    sample: {
      input,
      lower_bound: 0,
      upper_bound: options.fraction,
      with_replacement: options.withReplacement ?? false,
      seed: options.seed,
      deterministic_order: false,
    },
  }
}

/**
 * One Sample per weight over the normalized cumulative weights, with `deterministic_order` so the server
 * sorts each partition first: the parts are disjoint and cover the input, exactly like Dataset.randomSplit.
 */
export function randomSplit(input: Relation, weights: number[], seed: Int64): Relation[] {
  if (weights.length === 0 || weights.some((w) => !(w >= 0))) {
    throw new SparkConnectError(
      'INVALID_ARGUMENT',
      `randomSplit weights must be non-negative numbers, got [${weights}]`,
    )
  }
  const total = weights.reduce((sum, w) => sum + w, 0)
  if (total <= 0)
    throw new SparkConnectError('INVALID_ARGUMENT', 'randomSplit weights must sum to more than 0')
  const bounds = [0]
  for (const weight of weights) bounds.push((bounds.at(-1) as number) + weight / total)
  return weights.map((_, i) => ({
    sample: {
      input,
      lower_bound: bounds[i] as number,
      upper_bound: bounds[i + 1] as number,
      with_replacement: false,
      seed,
      deterministic_order: true,
    },
  }))
}

export type WriteMode = 'overwrite' | 'append' | 'error' | 'ignore'

const SAVE_MODES: Record<WriteMode, SaveMode> = {
  overwrite: 'SAVE_MODE_OVERWRITE',
  append: 'SAVE_MODE_APPEND',
  error: 'SAVE_MODE_ERROR_IF_EXISTS',
  ignore: 'SAVE_MODE_IGNORE',
}

export interface WriteOptions {
  /** Data source name: `csv`, `text`, `parquet`, `json`… */
  format: string
  path: string
  /** Default `overwrite`. */
  mode?: WriteMode
  options?: Record<string, string>
}

export function write(input: Relation, options: WriteOptions): Command {
  return {
    write_operation: {
      input,
      source: options.format,
      path: options.path,
      mode: SAVE_MODES[options.mode ?? 'overwrite'],
      options: options.options ?? {},
    },
  }
}

export function createOrReplaceTempView(input: Relation, name: string): Command {
  return { create_dataframe_view: { input, name, is_global: false, replace: true } }
}

export type OutputMode = 'append' | 'update' | 'complete'

export interface WriteStreamOptions {
  /** Sink name: `kafka`, `console`, `parquet`… */
  format: string
  /** Sink options; a `checkpointLocation` lets a restarted query resume where it stopped. */
  options: Record<string, string>
  outputMode: OutputMode
  /** Micro-batch interval, e.g. `1 second`. */
  trigger: string
  /** Unique among the session's active queries. */
  queryName: string
}

/** `df.writeStream…start()`: answered with the new query's id and run id. */
export function writeStreamStart(input: Relation, options: WriteStreamOptions): Command {
  return {
    write_stream_operation_start: {
      input,
      format: options.format,
      options: options.options,
      processing_time_interval: options.trigger,
      output_mode: options.outputMode,
      query_name: options.queryName,
    },
  }
}

export type StreamingQueryAction = 'status' | 'last_progress' | 'recent_progress' | 'stop' | 'exception'

/** A question or order to one running query (`query.status`, `query.lastProgress`, `query.stop()`…). */
export function streamingQueryCommand(query: StreamingQueryInstanceId, what: StreamingQueryAction): Command {
  const command: StreamingQueryCommand = { query_id: query }
  command[what] = true
  return { streaming_query_command: command }
}

/** `spark.streams.active`: the queries running in this session. */
export function activeStreamingQueries(): Command {
  return { streaming_query_manager_command: { active: true } }
}

export function relationPlan(relation: Relation): Plan {
  return { root: relation }
}

export function commandPlan(command: Command): Plan {
  return { command }
}
