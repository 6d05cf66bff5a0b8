// `traffic live` end to end: start the streaming queries in the live session, send the city clock's new rows
// into the stream topic while polling the queries, and on the end (Ctrl+C, --duration, --limit)
// let the queries catch up, stop them and release the session. Checkpoints stay: the next run resumes.
import type { Config } from '../config.ts'
import { describeError, isTrafficError, TrafficError } from '../errors.ts'
import { topicEndOffsets } from '../orchestration/topic.ts'
import { withTrafficErrors } from '../spark-errors.ts'
import { sparkPathOf } from '../storage/location.ts'
import { kafkaClients } from '../stream/kafka-clients.ts'
import { ensureLiveTopics, liveTopics } from '../stream/live-topics.ts'
import { checkpointsLocation, checkpointWatermark } from './checkpoints.ts'
import { defaultClockStart } from './clock.ts'
import type { LiveQueryStatus } from './queries.ts'
import { type ReplayStats, replay, type Scenario, streamPosition } from './replay.ts'
import {
  connectLiveSession,
  forgetLiveSession,
  recordLiveSession,
  resetLiveState,
  saveClock,
  savedClock,
} from './session.ts'
import { LiveSupervisor, type LiveTotals } from './supervisor.ts'
import { loadThresholds, type Thresholds } from './thresholds.ts'

export interface LiveRunOptions {
  /** Simulated time of the first row; default: now rounded down to the hour, or where the last run stopped if later. */
  start?: Date
  /** Start the queries afresh: their checkpoints (windows state, offsets, watermark) and the saved clock go. */
  reset?: boolean
  scenario?: Scenario
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
  /** The steps of the end that did not finish within STOP_GRACE_MS or failed, each with why. */
  unfinished: string[]
}

const POLL_MS = 1_000
/** How long the replay waits for the queries' first trigger (then it starts anyway). */
const READY_MS = 60_000
/** How long the end of a run waits for the queries to read the last rows. */
const CATCH_UP_MS = 60_000

/**
 * How long the end of a run waits for each of its steps (the replay's last write, stopping the queries): a stop
 * must end the command within seconds even when Kafka or Spark no longer answers.
 */
const STOP_GRACE_MS = 5_000

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** `work`, or INTERRUPTED as soon as `signal` aborts: a server that does not answer cannot hold up a stop. */
function unlessStopped<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(new TrafficError('INTERRUPTED', 'stopped by the user (Ctrl+C)'))
    if (signal.aborted) stop()
    signal.addEventListener('abort', stop, { once: true })
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', stop))
  })
}

/** Waits for `work` at most `ms`: undefined when it finished, else what kept it from finishing. */
async function unfinishedWithin(work: Promise<unknown>, ms: number): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<string>((resolve) => {
    timer = setTimeout(() => resolve(`no answer within ${ms / 1000} s`), ms)
  })
  try {
    return await Promise.race([work.then(() => undefined, describeError), late])
  } finally {
    clearTimeout(timer)
  }
}

/** Replays the data set into Kafka while the live queries run; Spark's failures come out as TrafficErrors. */
export function runLive(config: Config, options: LiveRunOptions): Promise<LiveSummary> {
  return withTrafficErrors(() => replayWithQueries(config, options))
}

/**
 * A start before the watermark the queries resume with would feed them rows they drop as late: nothing would
 * show until the simulated clock passed it. Said at once instead, with the two ways out.
 */
async function checkStart(config: Config, start: Date | undefined): Promise<void> {
  const watermark = start && (await checkpointWatermark(config))
  if (!start || !watermark || start >= watermark) return
  throw new TrafficError(
    'INVALID_INPUT',
    `--start ${start.toISOString()} is before the live queries' watermark ${watermark.toISOString()} (kept in ` +
      `their checkpoints, ${checkpointsLocation(config)}): Spark would drop those rows as late and show nothing`,
    { hint: `start at ${watermark.toISOString()} or later, or add --reset to start the queries afresh` },
  )
}

async function replayWithQueries(config: Config, options: LiveRunOptions): Promise<LiveSummary> {
  const { signal } = options
  const stoppable = <T>(work: Promise<T>) => unlessStopped(work, signal)
  if (options.reset) await resetLiveState(config)
  await checkStart(config, options.start)
  const clients = kafkaClients(config.kafka)
  await stoppable(clients.checkReachable())
  await stoppable(ensureLiveTopics(clients, liveTopics(config), config.kafka.partitions))

  const sessionId = await recordLiveSession(config)
  const spark = await stoppable(connectLiveSession(config, sessionId))
  const thresholds = await stoppable(loadThresholds(config, spark)).finally(() => spark.detach())
  const supervisor = new LiveSupervisor(config, sessionId, {
    kafka: config.kafka,
    sourceTopic: config.kafka.topic,
    windowsTopic: config.live.windowsTopic,
    alertsTopic: config.live.alertsTopic,
    window: config.live.window,
    watermark: config.live.watermark,
    trigger: config.live.trigger,
    checkpointDir: sparkPathOf(checkpointsLocation(config)),
    // A first run reads the live feed only, not the data set `traffic produce` put in the topic.
    startingOffsets: 'latest',
    baseline: thresholds.cells,
  })
  const resumed = await savedClock(config)
  const now = defaultClockStart()
  const start = options.start ?? (resumed && resumed > now ? resumed : now)
  const progress: LiveProgress = {
    replay: { sent: 0, seconds: 0, clock: start },
    queries: [],
    totals: supervisor.totals,
  }
  const poll = async () => {
    progress.queries = await stoppable(supervisor.poll())
  }
  let caughtUp = false
  const unfinished: string[] = []
  // The feed stops on the user's signal, and also when the queries fail.
  const feedControl = new AbortController()
  // A Ctrl+C may come while the run is still starting (Kafka, Spark): an abort before this line fires no event.
  if (signal.aborted) feedControl.abort()
  else signal.addEventListener('abort', () => feedControl.abort(), { once: true })
  let feed: Promise<ReplayStats> | undefined
  try {
    options.onPhase?.('starting the streaming queries on Spark')
    await stoppable(supervisor.start())
    await poll()
    // A first run reads from the latest offset, which Spark fixes in each query's first trigger (its first
    // progress): the replay starts after that, so its first rows — a jam's hour — are not skipped.
    const ready = performance.now() + READY_MS
    while (progress.queries.some((query) => query.batchId === null) && performance.now() < ready) {
      await stoppable(sleep(POLL_MS))
      await poll()
    }
    options.onProgress?.(progress)
    let replayDone = false
    const position = await stoppable(streamPosition(config.kafka))
    feed = replay(clients, {
      topic: config.kafka.topic,
      position,
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
      await poll()
      options.onProgress?.(progress)
    }
    progress.replay = await feed
    options.onPhase?.('waiting for the queries to read the last rows')
    const ends = await stoppable(topicEndOffsets(config.kafka))
    const deadline = performance.now() + CATCH_UP_MS
    while (!caughtUp && performance.now() < deadline) {
      await stoppable(sleep(POLL_MS))
      await poll()
      options.onProgress?.(progress)
      caughtUp = await stoppable(supervisor.caughtUp(ends))
    }
  } catch (error) {
    if (!isTrafficError(error, 'INTERRUPTED')) throw error
  } finally {
    feedControl.abort()
    const [replayEnd, queriesEnd] = await Promise.all([
      unfinishedWithin(feed ?? Promise.resolve(), STOP_GRACE_MS),
      unfinishedWithin(supervisor.stop(), STOP_GRACE_MS),
    ])
    if (replayEnd) unfinished.push(`the replay's last write to ${config.kafka.topic}: ${replayEnd}`)
    if (queriesEnd) {
      supervisor.detach()
      unfinished.push(
        `stopping the live queries: ${queriesEnd} (they may still run in Spark session ${sessionId}; the next \`traffic live\` replaces them)`,
      )
    }
    for (const step of unfinished) options.onPhase?.(`could not finish ${step}`)
    await saveClock(config, progress.replay.clock)
    await forgetLiveSession(config)
  }
  return { ...progress, thresholds, caughtUp, unfinished }
}
