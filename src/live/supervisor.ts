// Runs the live queries for `traffic live`: starts them in the live session, polls their progress, and when
// the Spark Connect server goes away (crash, restart) reconnects and starts them again from their checkpoints.
import type { Config } from '../config.ts'
import { TrafficError } from '../errors.ts'
import {
  CONNECT_RETRY_POLICY,
  type SparkSession,
  type StreamingQuery,
  type StreamingQueryProgress,
} from '../spark/index.ts'
import { describeQuery, describeQueryProgress, inputMetrics, type LiveQueryStatus } from './queries.ts'
import { connectLiveSession } from './session.ts'
import { LIVE_QUERY_NAMES, type LiveStreamsOptions, startLiveStreams } from './streams.ts'

export interface LiveTotals {
  /** Rows the windows query has read, and how many of them were malformed (counted, then skipped). */
  rows: number
  malformed: number
  /** Times the queries were started again after losing the server. */
  restarts: number
}

/** Patience while the server restarts: about five minutes. */
const RESTART_RETRY = { ...CONNECT_RETRY_POLICY, attempts: 150, maxDelayMs: 2_000 }

export class LiveSupervisor {
  private session: SparkSession | undefined
  private queries: StreamingQuery[] = []
  private readonly seenBatches = new Set<string>()
  readonly totals: LiveTotals = { rows: 0, malformed: 0, restarts: 0 }

  constructor(
    private readonly config: Config,
    private readonly sessionId: string,
    private readonly options: LiveStreamsOptions,
  ) {}

  /** Connects and starts both queries; ours left running by an earlier run in this session are replaced. */
  async start(retry = CONNECT_RETRY_POLICY): Promise<void> {
    this.session?.detach()
    this.session = await connectLiveSession(this.config, this.sessionId, retry)
    const names = new Set<string>(Object.values(LIVE_QUERY_NAMES))
    for (const query of await this.session.activeStreams()) if (names.has(query.name)) await query.stop()
    this.queries = await startLiveStreams(this.session, this.options)
  }

  /** The queries' progress; a lost server is waited for and the queries resumed from their checkpoints. */
  async poll(): Promise<LiveQueryStatus[]> {
    let statuses: LiveQueryStatus[]
    try {
      const described = await Promise.all(this.queries.map(describeQueryProgress))
      statuses = described.map(({ status }) => status)
      this.count(described[0]?.recent ?? [])
    } catch {
      await this.start(RESTART_RETRY)
      this.totals.restarts++
      statuses = await Promise.all(this.queries.map(describeQuery))
    }
    const stopped = statuses.find((status) => !status.isActive)
    if (stopped) {
      const query = this.queries.find((q) => q.id === stopped.id)
      const reason = (await query?.exception()) ?? 'it stopped'
      throw new TrafficError('SPARK_ERROR', `The live query ${stopped.name} failed: ${reason}`, {
        hint: 'see `traffic engines logs spark`',
      })
    }
    return statuses
  }

  /** Adds the windows query's batches not counted yet (Spark keeps the last 100). */
  private count(recent: StreamingQueryProgress[]): void {
    for (const progress of recent) {
      const key = `${progress.runId}/${progress.batchId}`
      if (this.seenBatches.has(key)) continue
      this.seenBatches.add(key)
      const metrics = inputMetrics(progress)
      this.totals.rows += metrics.rows
      this.totals.malformed += metrics.malformed
    }
  }

  /** Each query's recent micro-batches, as Spark reports them (for throughput figures). */
  async recentProgress(): Promise<{ name: string; progress: StreamingQueryProgress[] }[]> {
    return Promise.all(
      this.queries.map(async (query) => ({ name: query.name, progress: await query.recentProgress() })),
    )
  }

  /** True when every query has read the source topic up to these end offsets (partition → offset). */
  async caughtUp(ends: Map<number, number>): Promise<boolean> {
    for (const query of this.queries) {
      const progress = await query.lastProgress()
      const endOffset = progress?.sources?.[0]?.endOffset ?? '{}'
      const read = JSON.parse(endOffset) as Record<string, Record<string, number>>
      const offsets = read[this.options.sourceTopic] ?? {}
      for (const [partition, end] of ends) if ((offsets[String(partition)] ?? 0) < end) return false
    }
    return true
  }

  /** Stops the queries and releases the session (their checkpoints stay for the next run); fails as Spark does. */
  async stop(): Promise<void> {
    try {
      for (const query of this.queries) await query.stop()
      await this.session?.close()
    } catch (error) {
      this.detach()
      throw error
    }
  }

  /** Closes the connection, leaving the session and its queries to the server. */
  detach(): void {
    this.session?.detach()
  }
}
