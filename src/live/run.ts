// `traffic live` end to end: index the data set, start the streaming queries in the live session, replay the
// city clock into the stream topic while polling the queries, and on the end (Ctrl+C, --duration, --limit)
// let the queries catch up, stop them and release the session. Checkpoints stay: the next run resumes.
import type { Config } from '../config.ts'
import { topicEndOffsets } from '../orchestration/topic.ts'
import { withTrafficErrors } from '../spark-errors.ts'
import { kafkaClients } from '../stream/kafka-clients.ts'
import { ensureLiveTopics, liveTopics } from '../stream/live-topics.ts'
import { defaultClockStart } from './clock.ts'
import { DatasetIndex } from './dataset-index.ts'
import type { LiveQueryStatus } from './queries.ts'
import { type JamScenario, type ReplayStats, replay } from './replay.ts'
import {
  checkpointDir,
  connectLiveSession,
  forgetLiveSession,
  recordLiveSession,
  saveClock,
  savedClock,
} from './session.ts'
import { LiveSupervisor, type LiveTotals } from './supervisor.ts'
import { loadThresholds, type Thresholds } from './thresholds.ts'

export interface LiveRunOptions {
  /** Simulated time of the first row; default: now rounded down to the hour, or where the last run stopped if later. */
  start?: Date
  scenario?: JamScenario
  durationSeconds?: number
  limit?: number
  signal: AbortSignal
  /** Called once the queries run, then about every second. */
  onProgress?: (progress: LiveProgress) => void
  onPhase?: (message: string) => void
}

export interface LiveProgress {
  replay: ReplayStats
  queries: LiveQueryStatus[]
  totals: LiveTotals
}

export interface LiveSummary extends LiveProgress {
  thresholds: Thresholds
  /** False when the queries had not read every sent row within the wait at the end. */
  caughtUp: boolean
}

const POLL_MS = 1_000
/** How long the replay waits for the queries' first trigger (then it starts anyway). */
const READY_MS = 60_000
/** How long the end of a run waits for the queries to read the last rows. */
const CATCH_UP_MS = 60_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Replays the data set into Kafka while the live queries run; Spark's failures come out as TrafficErrors. */
export function runLive(config: Config, options: LiveRunOptions): Promise<LiveSummary> {
  return withTrafficErrors(() => replayWithQueries(config, options))
}

async function replayWithQueries(config: Config, options: LiveRunOptions): Promise<LiveSummary> {
  const { signal } = options
  const clients = kafkaClients(config.kafka)
  await clients.checkReachable()
  await ensureLiveTopics(clients, liveTopics(config), config.kafka.partitions)
  options.onPhase?.(`indexing ${config.paths.dataset} by day and hour`)
  const dataset = await DatasetIndex.load(config.paths.dataset)

  const sessionId = await recordLiveSession(config)
  const spark = await connectLiveSession(config, sessionId)
  const thresholds = await loadThresholds(config, spark).finally(() => spark.detach())
  const supervisor = new LiveSupervisor(config, sessionId, {
    kafka: config.kafka,
    sourceTopic: config.kafka.topic,
    windowsTopic: config.live.windowsTopic,
    alertsTopic: config.live.alertsTopic,
    window: config.live.window,
    watermark: config.live.watermark,
    trigger: config.live.trigger,
    checkpointDir: checkpointDir(config),
    // A first run reads the live feed only, not the data set `traffic produce` put in the topic.
    startingOffsets: 'latest',
    thresholds: thresholds.byCity,
  })
  const resumed = await savedClock(config)
  const now = defaultClockStart()
  const start = options.start ?? (resumed && resumed > now ? resumed : now)
  const progress: LiveProgress = {
    replay: { sent: 0, seconds: 0, clock: start },
    queries: [],
    totals: supervisor.totals,
  }
  let caughtUp = false
  // The feed stops on the user's signal, and also when the queries fail.
  const feedControl = new AbortController()
  // A Ctrl+C may come while the run is still starting (indexing, Spark): an abort before this line fires no event.
  if (signal.aborted) feedControl.abort()
  else signal.addEventListener('abort', () => feedControl.abort(), { once: true })
  let feed: Promise<ReplayStats> | undefined
  try {
    options.onPhase?.('starting the streaming queries on Spark')
    await supervisor.start()
    progress.queries = await supervisor.poll()
    // A first run reads from the latest offset, which Spark fixes in each query's first trigger (its first
    // progress): the replay starts after that, so its first rows — a jam's hour — are not skipped.
    const ready = performance.now() + READY_MS
    while (progress.queries.some((query) => query.batchId === null) && performance.now() < ready) {
      if (signal.aborted) break
      await sleep(POLL_MS)
      progress.queries = await supervisor.poll()
    }
    options.onProgress?.(progress)
    let replayDone = false
    feed = replay(clients, dataset, {
      topic: config.kafka.topic,
      partitions: config.kafka.partitions,
      clock: config.live.clock,
      rate: config.live.rate,
      start,
      scenario: options.scenario,
      durationSeconds: options.durationSeconds,
      limit: options.limit,
      signal: feedControl.signal,
      onProgress: (stats) => {
        progress.replay = stats
      },
    }).finally(() => {
      replayDone = true
    })
    while (!replayDone) {
      await Promise.race([feed, sleep(POLL_MS)])
      progress.queries = await supervisor.poll()
      options.onProgress?.(progress)
    }
    progress.replay = await feed
    if (!signal.aborted) {
      options.onPhase?.('waiting for the queries to read the last rows')
      const ends = await topicEndOffsets(config.kafka)
      const deadline = performance.now() + CATCH_UP_MS
      while (!caughtUp && performance.now() < deadline && !signal.aborted) {
        await sleep(POLL_MS)
        progress.queries = await supervisor.poll()
        options.onProgress?.(progress)
        caughtUp = await supervisor.caughtUp(ends)
      }
    }
  } finally {
    feedControl.abort()
    await feed?.catch(() => undefined)
    await saveClock(config, progress.replay.clock)
    await supervisor.stop()
    await forgetLiveSession(config)
  }
  return { ...progress, thresholds, caughtUp }
}
