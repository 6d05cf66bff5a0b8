// `traffic up`: the whole pipeline in one run — engines, data set, produce, consume, train — each stage
// skipped when a previous run already did it for the same input, then the API and the UI.
import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { countDataRows } from '../dataset/count-rows.ts'
import { writeSyntheticCsv } from '../dataset/write-synthetic.ts'
import { displayPath } from '../display-path.ts'
import { type EngineStatus, startEngines } from '../engines/lifecycle.ts'
import { TrafficError, throwIfInterrupted } from '../errors.ts'
import { liveDir } from '../live/session.ts'
import { listBatchFiles } from '../stream/batch-files.ts'
import { CONSUME_DEFAULTS, consumeToBatchFiles } from '../stream/consume.ts'
import { kafkaClients } from '../stream/kafka-clients.ts'
import { rejectsFileFor } from '../stream/output-rejects.ts'
import { produceCsvToTopic } from '../stream/produce.ts'
import { removeModels } from '../training/models-folder.ts'
import type { TrainingParams, TrainingReport } from '../training/report.ts'
import { REPORT_FILE } from '../training/report.ts'
import { DEFAULT_PARITY_ROWS, train } from '../training/train.ts'
import type { StageDisplay } from './display.ts'
import { fileFingerprint, type PipelineState, readState, stateFile, writeState } from './state.ts'
import { forgetCommittedOffsets, resetTopic, topicMessageCount } from './topic.ts'

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

/**
 * Messages the batch files cover, from their names (each covers offsets first..last of one partition): the rows
 * in them and the invalid messages among those offsets that went to dead letters.
 */
async function batchCoverage(config: Config): Promise<{ messages: number; files: number; names: string }> {
  const files = await listBatchFiles(config.paths.batches, config.kafka.topic)
  const messages = files.reduce((sum, f) => sum + Number(f.last - f.first + 1n), 0)
  return { messages, files: files.length, names: files.map((f) => f.name).join(',') }
}

async function timed<T>(timings: Record<string, number>, stage: string, work: () => Promise<T>): Promise<T> {
  const began = performance.now()
  try {
    return await work()
  } finally {
    timings[stage] = Math.round(performance.now() - began) / 1000
  }
}

/** Rows in the batch files, read from them: the offsets they cover also count the messages set aside as dead letters. */
async function rowsInBatchFiles(config: Config): Promise<number> {
  let rows = 0
  for (const file of await listBatchFiles(config.paths.batches, config.kafka.topic)) {
    rows += await countDataRows(path.join(config.paths.batches, file.name))
  }
  return rows
}

/** Fails unless the batch files hold every row produced, with no message lost to retention on the way. */
function checkConsumed(config: Config, counts: { rows: number; produced: number; lost: number }): void {
  const { rows, produced, lost } = counts
  if (lost > 0) {
    throw new TrafficError(
      'KAFKA_ERROR',
      `${lost} messages of ${config.kafka.topic} were deleted by retention before they were read: the batch ` +
        `files hold ${rows} of the ${produced} rows produced`,
      { hint: 'those rows are gone from Kafka; produce the data set again with `npm start -- --fresh`' },
    )
  }
  if (rows < produced) {
    throw new TrafficError(
      'KAFKA_ERROR',
      `the batch files hold ${rows.toLocaleString('en')} of the ${produced.toLocaleString('en')} rows produced`,
      {
        hint:
          `another consumer in group ${CONSUME_DEFAULTS.groupId} may hold partitions of ${config.kafka.topic}: ` +
          'stop it and run `npm start` again (the consumer reads whatever the batch files lack); if retention ' +
          'deleted rows before they were read, produce again with `npm start -- --fresh`',
        canRetry: true,
      },
    )
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

/** The data stages, each skipped when the pipeline state says it was done for the same input. */
export async function runPipeline(config: Config, options: UpOptions): Promise<UpResult> {
  const { display, signal } = options
  const timings: Record<string, number> = {}
  const file = stateFile(config.engines.stateDir, config.kafka.topic)

  let state = options.fresh ? {} : await readState(file)
  if (options.fresh) {
    display.log('--fresh: deleting the topic, the batch files, the models and the pipeline state')
    await resetTopic(config.kafka, CONSUME_DEFAULTS.groupId)
    await rm(liveDir(config), { recursive: true, force: true })
    await rm(config.paths.batches, { recursive: true, force: true })
    await removeModels(config.paths.models)
  }

  // 1. The data set: the user's real file if there is one, else a synthetic one of the asked size.
  const datasetPath = config.paths.dataset
  const generatedBefore = state.dataset?.generated === true
  const wrongSize = generatedBefore && options.rowsGiven && state.dataset?.rows !== options.rows
  const regenerate = !existsSync(datasetPath) || wrongSize || (options.fresh && generatedBefore)
  if (regenerate) {
    display.begin('dataset', options.rows)
    const written = await timed(timings, 'dataset', () =>
      writeSyntheticCsv({
        rows: options.rows,
        seed: options.seed,
        out: datasetPath,
        onProgress: (rows) => display.update('dataset', rows),
      }),
    )
    state = {
      dataset: { fingerprint: await fileFingerprint(datasetPath), rows: written.rows, generated: true },
    }
    await writeState(file, state)
    display.end(
      'dataset',
      `${written.rows.toLocaleString('en')} synthetic rows → ${displayPath(datasetPath)}`,
    )
  } else {
    const fingerprint = await fileFingerprint(datasetPath)
    if (state.dataset?.fingerprint !== fingerprint) {
      // A file we did not write (e.g. the real Kaggle file): its row count is known once it is produced.
      state = { dataset: { fingerprint, rows: 0, generated: false } }
    }
    display.skip('dataset', `using ${displayPath(datasetPath)}`)
  }
  const dataset = state.dataset?.fingerprint ?? ''
  throwIfInterrupted(signal)

  // 2 + 3. Produce and consume. Another data set than the one in the topic starts the stream from nothing.
  const clients = kafkaClients(config.kafka)
  const inTopic = await topicMessageCount(config.kafka)
  if (state.produced?.dataset === dataset && inTopic >= state.produced.rows) {
    display.skip(
      'produce',
      `${state.produced.rows.toLocaleString('en')} rows already in ${config.kafka.topic}`,
    )
  } else {
    if (inTopic > 0 || state.produced) {
      display.log(`the topic holds another data set's messages: starting ${config.kafka.topic} afresh`)
      await resetTopic(config.kafka, CONSUME_DEFAULTS.groupId)
      await rm(config.paths.batches, { recursive: true, force: true })
      // The live queries' checkpoints point at offsets of the deleted topic.
      await rm(liveDir(config), { recursive: true, force: true })
    }
    display.begin('produce', state.dataset?.rows || (await countDataRows(datasetPath)))
    const produced = await timed(timings, 'produce', () =>
      produceCsvToTopic(clients, {
        file: datasetPath,
        topic: config.kafka.topic,
        partitions: config.kafka.partitions,
        rejectsFile: rejectsFileFor(path.join(config.engines.stateDir, 'rejects', config.kafka.topic)),
        signal,
        onProgress: (stats) => display.update('produce', stats.sent),
      }),
    )
    throwIfInterrupted(signal)
    state = {
      dataset: {
        fingerprint: dataset,
        rows: produced.sent + produced.rejected,
        generated: generatedBefore || regenerate,
      },
      produced: { dataset, rows: produced.sent, rejected: produced.rejected },
    }
    await writeState(file, state)
    const rejected = produced.rejected ? `, ${produced.rejected} rejected (see .traffic/rejects/)` : ''
    display.end('produce', `${produced.sent.toLocaleString('en')} rows sent${rejected}`)
  }
  const producedRows = state.produced?.rows ?? 0

  const before = await batchCoverage(config)
  if (before.messages >= producedRows && state.consumed?.dataset === dataset) {
    display.skip(
      'consume',
      `${before.messages.toLocaleString('en')} messages already in ${before.files} batch files`,
    )
  } else {
    // The batch folder was deleted: the topic is read again from its start, not from the group's offsets.
    if (before.files === 0) await forgetCommittedOffsets(config.kafka, CONSUME_DEFAULTS.groupId)
    // Only a shortcut: without the end offsets, the quiet spell ends the stage.
    const ends = await clients.endOffsets(config.kafka.topic).catch(() => undefined)
    display.begin('consume', producedRows)
    const consumed = await timed(timings, 'consume', () =>
      consumeToBatchFiles(clients, {
        topic: config.kafka.topic,
        deadLetterTopic: config.kafka.deadLetterTopic,
        groupId: CONSUME_DEFAULTS.groupId,
        dir: config.paths.batches,
        batchSize: CONSUME_DEFAULTS.batchSize,
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
    state = { ...state, consumed: { dataset, rows, files: after.files } }
    await writeState(file, state)
    const deadLetters = consumed.deadLetters ? `, ${consumed.deadLetters} message(s) to dead letters` : ''
    display.end('consume', `${rows.toLocaleString('en')} rows in ${after.files} batch files${deadLetters}`)
  }

  // 4. Train, unless the models were trained on exactly these batch files.
  const batches = await batchCoverage(config)
  let report: TrainingReport | undefined
  const reportFile = path.join(config.paths.models, REPORT_FILE)
  if (state.trained?.batches === batches.names && existsSync(reportFile)) {
    display.skip('train', `models in ${displayPath(config.paths.models)} match the batch files`)
  } else {
    display.begin('train', 3, 'models')
    const modelsSeen = new Set<string>()
    report = await timed(timings, 'train', () =>
      train({
        batchesDir: config.paths.batches,
        topic: config.kafka.topic,
        modelsDir: config.paths.models,
        sparkRemote: config.spark.remote,
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
    state = { ...state, trained: { batches: batches.names } }
    await writeState(file, state)
    display.end('train', `3 models → ${displayPath(config.paths.models)}`)
  }
  return { state, report, timings }
}
