// `traffic up`: the whole pipeline in one run — engines, data set, produce, consume, train — each stage
// skipped when a previous run already did it for the same input, then the API and the UI.
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { REPORT_FILE } from '../contract/models.ts'
import { countDataRows } from '../dataset/count-rows.ts'
import { writeSyntheticCsv } from '../dataset/write-synthetic.ts'
import { displayPath } from '../display-path.ts'
import { type EngineStatus, startEngines } from '../engines/lifecycle.ts'
import { TrafficError, throwIfInterrupted } from '../errors.ts'
import { liveDir, resetLiveState } from '../live/session.ts'
import { batchStore, deleteAllBatches } from '../stream/batch-files.ts'
import { CONSUME_DEFAULTS, consumeToBatchFiles } from '../stream/consume.ts'
import { type KafkaClients, kafkaClients } from '../stream/kafka-clients.ts'
import { rejectsFileFor } from '../stream/output-rejects.ts'
import { produceCsvToTopic } from '../stream/produce.ts'
import { openModels, withModelsLock } from '../training/models-publisher.ts'
import type { TrainingParams, TrainingReport } from '../training/report.ts'
import { DEFAULT_PARITY_ROWS, train } from '../training/train.ts'
import { batchCoverage, checkConsumed, rowsInBatchFiles } from './batch-coverage.ts'
import type { StageDisplay } from './display.ts'
import { fileFingerprint, type PipelineState, readState, stateFile, writeState } from './state.ts'
import { deleteTopics, forgetCommittedOffsets, resetTopic, topicMessageCount } from './topic.ts'

export interface UpOptions {
  /** Rows of the synthetic data set when there is no real one (or when `rows` asks for a new size). */
  rows: number
  /** True when the user asked for `rows` explicitly: a synthetic data set of another size is regenerated. */
  rowsGiven: boolean
  seed: number
  fresh: boolean
  params: TrainingParams
  display: StageDisplay
  signal: AbortSignal
}

export interface UpResult {
  state: PipelineState
  report: TrainingReport | undefined
  /** Seconds per stage that ran in this call. */
  timings: Record<string, number>
}

async function timed<T>(timings: Record<string, number>, stage: string, work: () => Promise<T>): Promise<T> {
  const began = performance.now()
  try {
    return await work()
  } finally {
    timings[stage] = Math.round(performance.now() - began) / 1000
  }
}

/** Starts the local engines (fetched once) and checks external ones; fails unless all are healthy. */
export async function pipelineEngines(config: Config): Promise<EngineStatus[]> {
  const engines = await startEngines(config)
  for (const engine of engines) {
    if (!engine.healthy) {
      throw new TrafficError('ENGINE_NOT_RUNNING', `${engine.name} at ${engine.endpoint} is not reachable`, {
        hint: engine.local ? 'see `traffic engines logs`' : 'check KAFKA_BROKERS / SPARK_REMOTE',
      })
    }
  }
  return engines
}

/** One `traffic up` call: what it was asked, where its state is kept, the state so far and each stage's time. */
interface PipelineRun {
  config: Config
  options: UpOptions
  file: string
  state: PipelineState
  timings: Record<string, number>
}

/** The data stages, each skipped when the pipeline state says it was done for the same input. */
export async function runPipeline(config: Config, options: UpOptions): Promise<UpResult> {
  const file = stateFile(config.engines.stateDir, config.kafka.topic)
  const state = options.fresh ? {} : await readState(file)
  const run: PipelineRun = { config, options, file, state, timings: {} }
  if (options.fresh) await startFresh(run)
  const dataset = await datasetStage(run)
  throwIfInterrupted(options.signal)
  // Another data set than the one in the topic starts the stream from nothing.
  const clients = kafkaClients(config.kafka)
  await produceStage(run, clients, dataset)
  await consumeStage(run, clients, dataset.fingerprint)
  const report = await trainStage(run)
  return { state: run.state, report, timings: run.timings }
}

async function saveState(run: PipelineRun, state: PipelineState): Promise<void> {
  run.state = state
  await writeState(run.file, state)
}

/**
 * Deletes everything the stream led to: the topic, its dead letters and the batch writer's offsets, the batch
 * files, and the live view's windows, alerts and query checkpoints (which point at offsets of the deleted topic).
 */
async function resetStream(config: Config): Promise<void> {
  await resetTopic(config.kafka, CONSUME_DEFAULTS.groupId)
  await deleteTopics(config.kafka, [config.live.windowsTopic, config.live.alertsTopic])
  await deleteAllBatches(batchStore(config))
  await resetLiveState(config)
  await rm(liveDir(config), { recursive: true, force: true })
}

async function startFresh(run: PipelineRun): Promise<void> {
  run.options.display.log(
    '--fresh: deleting the topic, the batch files, the live windows and alerts, the models and the pipeline state',
  )
  // Under the training lock: a `traffic train` running meanwhile refuses this run before anything is deleted.
  const models = openModels(run.config.paths.models, run.config.storage.s3)
  await withModelsLock(models, async () => {
    await resetStream(run.config)
    await models.remove()
  })
}

/** The data set in use: its fingerprint, and whether this pipeline wrote it (now or in an earlier run). */
interface DatasetInUse {
  fingerprint: string
  generated: boolean
}

/** 1. The data set: the user's real file if there is one, else a synthetic one of the asked size. */
async function datasetStage(run: PipelineRun): Promise<DatasetInUse> {
  const { config, options, state } = run
  const { display } = options
  const datasetPath = config.paths.dataset
  const generatedBefore = state.dataset?.generated === true
  const wrongSize = generatedBefore && options.rowsGiven && state.dataset?.rows !== options.rows
  const regenerate = !existsSync(datasetPath) || wrongSize || (options.fresh && generatedBefore)
  if (regenerate) {
    display.begin('dataset', options.rows)
    const written = await timed(run.timings, 'dataset', () =>
      writeSyntheticCsv({
        rows: options.rows,
        seed: options.seed,
        out: datasetPath,
        onProgress: (rows) => display.update('dataset', rows),
      }),
    )
    await saveState(run, {
      dataset: { fingerprint: await fileFingerprint(datasetPath), rows: written.rows, generated: true },
    })
    display.end(
      'dataset',
      `${written.rows.toLocaleString('en')} synthetic rows → ${displayPath(datasetPath)}`,
    )
  } else {
    const fingerprint = await fileFingerprint(datasetPath)
    if (state.dataset?.fingerprint !== fingerprint) {
      // A file we did not write (e.g. the real Kaggle file): its row count is known once it is produced.
      run.state = { dataset: { fingerprint, rows: 0, generated: false } }
    }
    display.skip('dataset', `using ${displayPath(datasetPath)}`)
  }
  return { fingerprint: run.state.dataset?.fingerprint ?? '', generated: generatedBefore || regenerate }
}

/** 2. Produce, unless the topic still holds every row of this data set. */
async function produceStage(run: PipelineRun, clients: KafkaClients, dataset: DatasetInUse): Promise<void> {
  const { config, state } = run
  const { display, signal } = run.options
  const inTopic = await topicMessageCount(config.kafka)
  if (state.produced?.dataset === dataset.fingerprint && inTopic >= state.produced.rows) {
    display.skip(
      'produce',
      `${state.produced.rows.toLocaleString('en')} rows already in ${config.kafka.topic}`,
    )
    return
  }
  if (inTopic > 0 || state.produced) {
    display.log(`the topic holds another data set's messages: starting ${config.kafka.topic} afresh`)
    await resetStream(config)
  }
  display.begin('produce', state.dataset?.rows || (await countDataRows(config.paths.dataset)))
  const produced = await timed(run.timings, 'produce', () =>
    produceCsvToTopic(clients, {
      file: config.paths.dataset,
      topic: config.kafka.topic,
      partitions: config.kafka.partitions,
      rejectsFile: rejectsFileFor(path.join(config.engines.stateDir, 'rejects', config.kafka.topic)),
      signal,
      onProgress: (stats) => display.update('produce', stats.sent),
    }),
  )
  throwIfInterrupted(signal)
  await saveState(run, {
    dataset: {
      fingerprint: dataset.fingerprint,
      rows: produced.sent + produced.rejected,
      generated: dataset.generated,
    },
    produced: { dataset: dataset.fingerprint, rows: produced.sent, rejected: produced.rejected },
  })
  const rejected = produced.rejected ? `, ${produced.rejected} rejected (see .traffic/rejects/)` : ''
  display.end('produce', `${produced.sent.toLocaleString('en')} rows sent${rejected}`)
}

/** 3. Consume, unless the batch files already cover every message produced from this data set. */
async function consumeStage(run: PipelineRun, clients: KafkaClients, dataset: string): Promise<void> {
  const { config, state } = run
  const { display, signal } = run.options
  const producedRows = state.produced?.rows ?? 0
  const before = await batchCoverage(config)
  if (before.messages >= producedRows && state.consumed?.dataset === dataset) {
    display.skip(
      'consume',
      `${before.messages.toLocaleString('en')} messages already in ${before.files} batch files`,
    )
    return
  }
  // The batch folder was deleted: the topic is read again from its start, not from the group's offsets.
  if (before.files === 0) await forgetCommittedOffsets(config.kafka, CONSUME_DEFAULTS.groupId)
  // Only a shortcut: without the end offsets, the quiet spell ends the stage.
  const ends = await clients.endOffsets(config.kafka.topic).catch(() => undefined)
  display.begin('consume', producedRows)
  const consumed = await timed(run.timings, 'consume', () =>
    consumeToBatchFiles(clients, {
      topic: config.kafka.topic,
      deadLetterTopic: config.kafka.deadLetterTopic,
      groupId: CONSUME_DEFAULTS.groupId,
      store: batchStore(config),
      batchSize: config.consume.batchRows,
      // Everything is in the topic already: the run ends once it has read up to the end offsets (or, should a
      // partition never reach them, after a short quiet spell).
      idleTimeoutMs: 5_000,
      follow: false,
      drainTo: ends,
      partitions: config.kafka.partitions,
      signal,
      onProgress: (stats) => display.update('consume', before.messages + stats.consumed),
      onWarning: (message) => display.log(`⚠ ${message}`),
    }),
  )
  throwIfInterrupted(signal)
  const after = await batchCoverage(config)
  const rows = await rowsInBatchFiles(config)
  checkConsumed(config, { rows, produced: producedRows, lost: consumed.missingOffsets })
  await saveState(run, { ...state, consumed: { dataset, rows, files: after.files } })
  const deadLetters = consumed.deadLetters ? `, ${consumed.deadLetters} message(s) to dead letters` : ''
  display.end('consume', `${rows.toLocaleString('en')} rows in ${after.files} batch files${deadLetters}`)
}

/**
 * Batch files written after the ones this stage trained on (by live mode's consumer), or undefined when one it
 * trained on is gone (the stream was read again): then it trains again.
 */
function newerBatchFiles(trained: string | undefined, names: string): number | undefined {
  if (trained === undefined) return undefined
  const present = new Set(names.split(','))
  const before = trained.split(',')
  return before.every((name) => present.has(name)) ? present.size - before.length : undefined
}

/**
 * 4. Train, unless the models were trained on these batch files. Files added since are the continuous trainer's
 * (live mode): training on all of them again would replace its champion without a comparison.
 */
async function trainStage(run: PipelineRun): Promise<TrainingReport | undefined> {
  const { config, options } = run
  const { display } = options
  const batches = await batchCoverage(config)
  const models = openModels(config.paths.models, config.storage.s3)
  const newer = newerBatchFiles(run.state.trained?.batches, batches.names)
  if (newer !== undefined && (await models.readFile(REPORT_FILE))) {
    display.skip(
      'train',
      `models in ${displayPath(config.paths.models)} match the batch files` +
        (newer ? ` (${newer} newer one(s) are the continuous trainer's, in live mode)` : ''),
    )
    return undefined
  }
  display.begin('train', 3, 'models')
  const modelsSeen = new Set<string>()
  const report = await timed(run.timings, 'train', () =>
    train({
      batchesDir: config.paths.batches,
      topic: config.kafka.topic,
      models,
      connection: config,
      keepVersions: config.lifecycle.keepVersions,
      params: options.params,
      parityRows: DEFAULT_PARITY_ROWS,
      log: (line) => {
        if (line.includes('⚠')) display.log(line)
        // Lines of one model carry its name; a new name means the previous model is done.
        const model = /\] (\w+_model) · /.exec(line)?.[1]
        if (model) modelsSeen.add(model)
        display.update('train', Math.max(0, modelsSeen.size - 1), line.replace(/^\[\s*[\d.]+ s\] /, ''))
      },
    }),
  )
  await saveState(run, { ...run.state, trained: { batches: batches.names } })
  display.end('train', `3 models → ${displayPath(config.paths.models)}`)
  return report
}
