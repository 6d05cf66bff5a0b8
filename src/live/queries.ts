// The live queries as another process sees them (`traffic live status`, the API): it connects to the live
// session recorded in the state dir, lists the session's active queries and reads Spark's own progress.
import type { Config } from '../config.ts'
import { isTrafficError } from '../errors.ts'
import { progressRates, type StreamingQuery, type StreamingQueryProgress } from '../spark/index.ts'
import { withTrafficErrors } from '../spark-errors.ts'
import { connectLiveSession, liveSessionId } from './session.ts'
import { INPUT_OBSERVATION } from './streams.ts'

export interface LiveQueryStatus {
  name: string
  id: string
  runId: string
  isActive: boolean
  batchId: number | null
  numInputRows: number | null
  inputRowsPerSecond: number | null
  processedRowsPerSecond: number | null
  batchDurationMs: number | null
  watermark: string | null
  timestamp: string | null
  /** Malformed messages in the latest micro-batch (counted, then skipped). */
  malformedRows: number | null
  /** Malformed messages in the micro-batches Spark still reports (its last 100). */
  recentMalformedRows: number
}

const ONE_ATTEMPT = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0, multiplier: 1 }

/** Rows read and malformed rows of one micro-batch, from the query's observed metrics. */
export function inputMetrics(progress: StreamingQueryProgress | undefined): {
  rows: number
  malformed: number
} {
  const values = progress?.observedMetrics?.[INPUT_OBSERVATION]
  const list = (values as { values?: unknown[] } | undefined)?.values ?? []
  return { rows: Number(list[0] ?? 0), malformed: Number(list[1] ?? 0) }
}

/** A query's status from its recent progress, oldest first (Spark's last one is its latest). */
export function toLiveQueryStatus(
  query: StreamingQuery,
  isActive: boolean,
  recent: StreamingQueryProgress[],
): LiveQueryStatus {
  const progress = recent.at(-1)
  const rates = progress ? progressRates(progress) : undefined
  return {
    name: query.name,
    id: query.id,
    runId: query.runId,
    isActive,
    batchId: progress?.batchId ?? null,
    numInputRows: rates?.numInputRows ?? null,
    inputRowsPerSecond: rates?.inputRowsPerSecond ?? null,
    processedRowsPerSecond: rates?.processedRowsPerSecond ?? null,
    batchDurationMs: progress?.batchDuration ?? progress?.durationMs?.triggerExecution ?? null,
    watermark: progress?.eventTime?.watermark ?? null,
    timestamp: progress?.timestamp ?? null,
    malformedRows: progress ? inputMetrics(progress).malformed : null,
    recentMalformedRows: recent.reduce((sum, batch) => sum + inputMetrics(batch).malformed, 0),
  }
}

/** A query's status, with the recent progress it comes from. */
export async function describeQueryProgress(
  query: StreamingQuery,
): Promise<{ status: LiveQueryStatus; recent: StreamingQueryProgress[] }> {
  const [status, recent] = await Promise.all([query.status(), query.recentProgress()])
  return { status: toLiveQueryStatus(query, status.isActive, recent), recent }
}

export async function describeQuery(query: StreamingQuery): Promise<LiveQueryStatus> {
  return (await describeQueryProgress(query)).status
}

/**
 * The running live queries with their latest progress; [] when no `traffic live` runs (no live session, or
 * the Spark Connect server is not reachable). The session is left running.
 */
export async function liveQueries(config: Config): Promise<LiveQueryStatus[]> {
  const sessionId = await liveSessionId(config)
  if (!sessionId) return []
  let session: Awaited<ReturnType<typeof connectLiveSession>>
  try {
    session = await connectLiveSession(config, sessionId, ONE_ATTEMPT)
  } catch (error) {
    if (isTrafficError(error, 'SPARK_UNAVAILABLE')) return []
    throw error
  }
  try {
    return await withTrafficErrors(async () =>
      Promise.all((await session.activeStreams()).map(describeQuery)),
    )
  } finally {
    session.detach()
  }
}
