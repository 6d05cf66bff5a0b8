// A Structured Streaming query running on the Spark Connect server: a handle (id + run id) and the commands
// that ask it for its status and progress or stop it. The query lives in the server-side session that started
// it; another client reaches it by connecting with the same session id.
import { SparkConnectError } from './errors.ts'
import * as plan from './plan.ts'
import type { Relation, StreamingQueryCommandResult__Output, StreamingQueryInstanceId } from './protocol.ts'
import type { SparkSession } from './session.ts'

export interface StreamingQueryStatus {
  message: string
  isDataAvailable: boolean
  isTriggerActive: boolean
  isActive: boolean
}

/** The fields of Spark's StreamingQueryProgress JSON this project reads (Spark sends more). */
export interface StreamingQueryProgress {
  id: string
  runId: string
  name: string | null
  timestamp: string
  batchId: number
  batchDuration?: number
  durationMs?: Record<string, number>
  eventTime?: { watermark?: string; min?: string; max?: string; avg?: string }
  /** Per source: offsets read up to, as JSON text (for Kafka `{"topic":{"partition":offset}}`). */
  sources?: {
    description: string
    endOffset?: string
    numInputRows: number
    inputRowsPerSecond?: number
    processedRowsPerSecond?: number
  }[]
  /** Metrics of `observe` relations, by observation name. */
  observedMetrics?: Record<string, Record<string, unknown>>
}

export interface ProgressRates {
  numInputRows: number
  inputRowsPerSecond: number
  processedRowsPerSecond: number
}

/** Rows and rates of a micro-batch, summed over its sources (the server reports them per source). */
export function progressRates(progress: StreamingQueryProgress): ProgressRates {
  const sources = progress.sources ?? []
  const sum = (pick: (source: (typeof sources)[number]) => number | undefined) =>
    sources.reduce((total, source) => total + (pick(source) ?? 0), 0)
  return {
    numInputRows: sum((s) => s.numInputRows),
    inputRowsPerSecond: sum((s) => s.inputRowsPerSecond),
    processedRowsPerSecond: sum((s) => s.processedRowsPerSecond),
  }
}

export class StreamingQuery {
  constructor(
    readonly session: SparkSession,
    readonly id: string,
    readonly runId: string,
    readonly name: string,
  ) {}

  private get instance(): StreamingQueryInstanceId {
    return { id: this.id, run_id: this.runId }
  }

  private async command(what: plan.StreamingQueryAction): Promise<StreamingQueryCommandResult__Output> {
    // Status, progress and stop answer at once (stop waits for the running micro-batch at most).
    const result = await this.session.execute(
      plan.commandPlan(plan.streamingQueryCommand(this.instance, what)),
      'control',
    )
    if (!result.streamingQueryResult) {
      throw new SparkConnectError(
        'SERVER_ERROR',
        `The server sent no answer about streaming query ${this.name}`,
      )
    }
    return result.streamingQueryResult
  }

  async status(): Promise<StreamingQueryStatus> {
    const status = (await this.command('status')).status ?? {}
    return {
      message: status.status_message ?? '',
      isDataAvailable: status.is_data_available === true,
      isTriggerActive: status.is_trigger_active === true,
      isActive: status.is_active === true,
    }
  }

  /** The latest micro-batch's progress; undefined before the first batch ends. */
  async lastProgress(): Promise<StreamingQueryProgress | undefined> {
    const [json] = (await this.command('last_progress')).recent_progress?.recent_progress_json ?? []
    return json === undefined ? undefined : (JSON.parse(json) as StreamingQueryProgress)
  }

  /** The progress of the recent micro-batches Spark keeps (spark.sql.streaming.numRecentProgressUpdates). */
  async recentProgress(): Promise<StreamingQueryProgress[]> {
    const list = (await this.command('recent_progress')).recent_progress?.recent_progress_json ?? []
    return list.map((json) => JSON.parse(json) as StreamingQueryProgress)
  }

  /** Why the query failed, or undefined while it has not. */
  async exception(): Promise<string | undefined> {
    return (await this.command('exception')).exception?.exception_message ?? undefined
  }

  async stop(): Promise<void> {
    await this.command('stop')
  }
}

/** Starts a query; `relation` must read a streaming source. */
export async function startStreamingQuery(
  session: SparkSession,
  input: Relation,
  options: plan.WriteStreamOptions,
): Promise<StreamingQuery> {
  const result = await session.execute(plan.commandPlan(plan.writeStreamStart(input, options)))
  const started = result.writeStreamResult
  if (!started?.query_id)
    throw new SparkConnectError(
      'SERVER_ERROR',
      `The server did not start streaming query ${options.queryName}`,
    )
  return new StreamingQuery(
    session,
    started.query_id.id ?? '',
    started.query_id.run_id ?? '',
    started.name || options.queryName,
  )
}

/** The queries running in the session (`spark.streams.active`). */
export async function activeStreamingQueries(session: SparkSession): Promise<StreamingQuery[]> {
  const result = await session.execute(plan.commandPlan(plan.activeStreamingQueries()), 'control')
  const active = result.streamingQueryManagerResult?.active?.active_queries ?? []
  return active.map(
    (query) => new StreamingQuery(session, query.id?.id ?? '', query.id?.run_id ?? '', query.name ?? ''),
  )
}
