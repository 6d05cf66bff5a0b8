// The "drift → serving" scenario of `npm run bench:lifecycle`, on the real engines: a champion trained on normal
// rows (the `traffic up` stages, into a fresh topic and folders), `traffic serve` over its models, `traffic up`'s
// live learning loop (the consumer following the topic into batch files, the continuous trainer following those),
// then the live feed with a drift scenario. Measures the time from the drift's first row to the API's `GET
// /models` naming the promoted version, and each phase of the round that promoted it: rows sent until its
// trigger, training (to the fitted models), saving and the champion/challenger comparison, the swap to serving.

import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Config } from '../src/config.ts'
import type { City } from '../src/contract/columns.ts'
import { registryOf } from '../src/lifecycle/registry.ts'
import { defaultClockStart } from '../src/live/clock.ts'
import { replay, streamPosition } from '../src/live/replay.ts'
import { stageDisplay } from '../src/orchestration/display.ts'
import { learnLive, TRAINER_PREFIX } from '../src/orchestration/live-learning.ts'
import { stateFile } from '../src/orchestration/state.ts'
import { resetTopic } from '../src/orchestration/topic.ts'
import { runPipeline } from '../src/orchestration/up.ts'
import { CONSUME_DEFAULTS } from '../src/stream/consume.ts'
import { kafkaClients } from '../src/stream/kafka-clients.ts'
import { rejectsFileFor } from '../src/stream/output-rejects.ts'
import { openModels } from '../src/training/models-publisher.ts'
import type { TrainingParams } from '../src/training/report.ts'
import { startServe } from './serve-process.ts'

export interface DriftToServingOptions {
  /** Settings of the run; the scenario uses a fresh topic, and folders in `work`. */
  config: Config
  /** Normal rows the champion is trained on. */
  rows: number
  city: City
  params: TrainingParams
  /** Give up (and report no promotion) after this long from the drift's onset. */
  timeoutMs: number
  /** An empty folder for the data set, batch files and models (the caller removes it). */
  work: string
}

/** A decision of the trainer, timed from the drift's onset. */
interface TimedRound {
  trigger: string
  triggerS: number
  rowsSentAtTrigger: number
  outcome: 'promoted' | 'rejected'
  challenger: string
  decisionS: number
  reason: string
}

export interface DriftToServingResult {
  settings: Record<string, unknown>
  rounds: TimedRound[]
  /** Undefined when no challenger was promoted within the time allowed. */
  promoted?: {
    version: string
    driftToServingS: number
    phases: {
      untilTriggerS: number
      rowsUntilTrigger: number
      trainingS: number
      saveAndCompareS: number
      swapS: number
    }
  }
}

const seconds = (ms: number) => Number((ms / 1000).toFixed(1))

async function servedVersion(url: string): Promise<string | null> {
  return ((await (await fetch(`${url}/models`)).json()) as { version: string | null }).version
}

export async function driftToServing(options: DriftToServingOptions): Promise<DriftToServingResult> {
  const { config, city, params } = options
  const { work } = options
  const topic = `bench-drift-${randomUUID().slice(0, 8)}`
  const run: Config = {
    ...config,
    kafka: { ...config.kafka, topic, deadLetterTopic: `${topic}.dlq` },
    paths: {
      ...config.paths,
      dataset: path.join(work, 'dataset.csv'),
      batches: path.join(work, 'batches'),
      models: path.join(work, 'models'),
    },
  }
  const settings = {
    championRows: options.rows,
    city,
    liveRate: run.live.rate,
    liveClock: run.live.clock,
    batchRows: run.consume.batchRows,
    lifecycle: run.lifecycle,
    learners: params.models,
  }
  process.stdout.write(`drift → serving, settings: ${JSON.stringify(settings)}\n`)
  const stop = new AbortController()
  try {
    process.stdout.write(`champion: ${options.rows.toLocaleString('en')} normal rows through the up stages\n`)
    await runPipeline(run, {
      rows: options.rows,
      rowsGiven: true,
      seed: 42,
      fresh: false,
      params,
      display: stageDisplay(),
      signal: stop.signal,
    })
    const registry = registryOf(openModels(run.paths.models, run.storage.s3))
    const champion = (await registry.aliases()).champion
    const server = startServe(run.paths.models)
    try {
      const url = await server.url
      process.stdout.write(`API ${url} serving ${champion}\n`)
      const rounds: TimedRound[] = []
      let onset = Number.NaN
      let sent = 0
      let pendingTrigger: { trigger: string; at: number; sent: number } | undefined
      const since = () => performance.now() - onset
      const learning = learnLive(run, {
        params,
        signal: stop.signal,
        say: (line) => {
          process.stdout.write(`${Number.isNaN(onset) ? '' : `[${seconds(since()).toFixed(1)} s] `}${line}\n`)
          if (!line.startsWith(TRAINER_PREFIX)) return
          const text = line.slice(TRAINER_PREFIX.length + 1)
          const training = / → training a challenger/.exec(text)
          if (training) pendingTrigger = { trigger: text.slice(0, training.index), at: since(), sent }
          const decided = /^(\S+) (promoted|rejected)/.exec(text)
          if (decided && pendingTrigger) {
            rounds.push({
              trigger: pendingTrigger.trigger,
              triggerS: seconds(pendingTrigger.at),
              rowsSentAtTrigger: pendingTrigger.sent,
              outcome: decided[2] as TimedRound['outcome'],
              challenger: decided[1] as string,
              decisionS: seconds(since()),
              reason: text,
            })
          }
        },
      })
      const startedAt = Date.now()
      onset = performance.now()
      const feed = replay(kafkaClients(run.kafka), {
        topic,
        partitions: run.kafka.partitions,
        clock: run.live.clock,
        rate: run.live.rate,
        start: defaultClockStart(),
        position: await streamPosition(run.kafka),
        scenario: { kind: 'drift', city },
        signal: stop.signal,
        onProgress: (stats) => {
          sent = stats.sent
        },
      })
      let served: string | null = champion
      while (served === champion && since() < options.timeoutMs) {
        await sleep(100)
        served = await servedVersion(url)
      }
      const servedAt = since()
      stop.abort()
      await Promise.all([learning, feed])
      const round = rounds.find((r) => r.outcome === 'promoted' && r.challenger === served)
      if (!round || served === champion) return { settings, rounds }
      const record = await registry.get(round.challenger)
      const fittedAt = Date.parse(record?.trainedAt ?? '') - startedAt
      return {
        settings,
        rounds,
        promoted: {
          version: round.challenger,
          driftToServingS: seconds(servedAt),
          phases: {
            untilTriggerS: round.triggerS,
            rowsUntilTrigger: round.rowsSentAtTrigger,
            trainingS: seconds(fittedAt - round.triggerS * 1000),
            saveAndCompareS: seconds(round.decisionS * 1000 - fittedAt),
            swapS: seconds(servedAt - round.decisionS * 1000),
          },
        },
      }
    } finally {
      stop.abort()
      if (server.child.exitCode === null) {
        server.child.kill('SIGTERM')
        await once(server.child, 'exit')
      }
    }
  } finally {
    await resetTopic(run.kafka, CONSUME_DEFAULTS.groupId)
    await rm(stateFile(run.engines.stateDir, topic), { force: true })
    await rm(rejectsFileFor(path.join(run.engines.stateDir, 'rejects', topic)), { force: true })
  }
}
