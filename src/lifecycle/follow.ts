// `traffic train --follow`: continuous training. Waits for a trigger (new rows, the schedule, drift; triggers.ts),
// trains a challenger on the newest window of batch files, scores champion and challenger on the challenger's
// held-out rows of that window from files newer than the champion's data (compare.ts), promotes it when it is
// better by the margins or logs its rejection with the numbers (or with too few such rows to tell), and waits
// again. Stopping (Ctrl+C) ends it between steps, or interrupts a training, which
// leaves the models as they were.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Config } from '../config.ts'
import { connectSpark } from '../engines/spark-connect.ts'
import { describeError } from '../errors.ts'
import type { SparkSession } from '../spark/index.ts'
import { batchStore, listBatchFiles } from '../stream/batch-files.ts'
import { findBatches } from '../training/batches.ts'
import { openModels, type PublishedModels } from '../training/models-publisher.ts'
import type { LineWriter } from '../training/progress.ts'
import type { TrainingParams } from '../training/report.ts'
import { ServerState } from '../training/server-state.ts'
import { train } from '../training/train.ts'
import { compareOnNewRows, decide } from './compare.ts'
import { type LogEntry, type ModelRegistry, registryOf, type VersionRecord } from './registry.ts'
import { readSavedVersion } from './saved-version.ts'
import {
  type CityReference,
  cityReference,
  countTrigger,
  describeDrift,
  driftTrigger,
  filesAfter,
  filesWithin,
  measureDrift,
  pathsOf,
  rowsOf,
} from './triggers.ts'

export interface FollowOptions {
  config: Config
  params: TrainingParams
  parityRows: number
  sparkConf?: Record<string, string>
  log: LineWriter
  /** Aborting stops the loop: between steps at once, during a training by interrupting it. */
  signal: AbortSignal
  /** Stop after this many challengers (tests, benchmarks); without it, until stopped. */
  rounds?: number
}

/** One round's outcome: the challenger, and the log entry of its promotion or rejection. */
export interface Round {
  trigger: string
  challenger: VersionRecord
  entry: LogEntry
}

/**
 * The version new data is counted from: the last one trained (a rejected challenger saw the rows it was trained
 * on, so they do not trigger again), else the champion.
 */
async function baseline(registry: ModelRegistry, champion: string): Promise<VersionRecord | undefined> {
  const last = (await registry.log()).at(-1)
  return (last && (await registry.get(last.to))) ?? registry.get(champion)
}

async function withSpark<T>(
  options: FollowOptions,
  work: (spark: SparkSession, state: ServerState) => Promise<T>,
): Promise<T> {
  const spark = await connectSpark(options.config)
  const state = new ServerState(spark)
  try {
    return await work(spark, state)
  } finally {
    await state.close((what, error) => options.log(`⚠ could not ${what}: ${describeError(error)}`))
  }
}

/** Waits until a trigger fires; its words. Undefined when stopped first. */
async function nextTrigger(
  options: FollowOptions,
  models: PublishedModels,
  registry: ModelRegistry,
  references: Map<string, CityReference>,
): Promise<string | undefined> {
  const { config, signal, log } = options
  const store = batchStore(config)
  let measured = ''
  while (!signal.aborted) {
    const champion = (await registry.aliases()).champion
    if (!champion) return 'no champion yet'
    const since = await baseline(registry, champion)
    const files = await listBatchFiles(store, config.kafka.topic)
    const fresh = filesAfter(files, since?.data.partitions ?? [])
    const newRows = rowsOf(fresh)
    const sinceTrained = Date.now() - Date.parse(since?.trainedAt ?? '')
    const counted = countTrigger(newRows, Number.isNaN(sinceTrained) ? 0 : sinceTrained, config.lifecycle)
    if (counted) return counted
    const key = fresh.map((file) => file.name).join()
    if (newRows >= config.lifecycle.driftMinRows && key !== measured) {
      measured = key
      const all = await findBatches(config.paths.batches, config.kafka.topic, config.storage.s3)
      const version = await readSavedVersion(models, champion)
      const trained = pathsOf(
        all,
        filesWithin(all.files, (await registry.get(champion))?.data.partitions ?? []),
      )
      const minRows = config.lifecycle.driftMinRows
      const drift = await withSpark(options, async (spark, state) => {
        // Once per champion: its rows do not change.
        const reference =
          references.get(champion) ??
          (trained.length > 0 ? await cityReference(spark, state, version, trained, minRows) : {})
        references.set(champion, reference)
        return measureDrift(spark, state, version, pathsOf(all, fresh), { reference, minRows })
      })
      log(`champion ${champion} on ${describeDrift(drift)}`)
      const drifted = driftTrigger(drift, config.lifecycle)
      if (drifted) return drifted
    }
    await sleep(config.lifecycle.pollMs, undefined, { signal }).catch(() => undefined)
  }
  return undefined
}

/** Trains a challenger on the window for `trigger`, compares it with the champion, promotes or rejects it. */
async function round(
  options: FollowOptions,
  models: PublishedModels,
  registry: ModelRegistry,
  trigger: string,
): Promise<Round> {
  const { config, log } = options
  const window = await findBatches(
    config.paths.batches,
    config.kafka.topic,
    config.storage.s3,
    config.lifecycle.windowRows,
  )
  log(`${trigger} → training a challenger on the newest ${window.files.length} batch file(s)`)
  const champion = (await registry.aliases()).champion
  const trained = await train({
    batchesDir: config.paths.batches,
    topic: config.kafka.topic,
    files: window.paths,
    models,
    connection: config,
    params: options.params,
    parityRows: options.parityRows,
    ...(options.sparkConf ? { sparkConf: options.sparkConf } : {}),
    log,
    signal: options.signal,
    reason: trigger,
    promote: champion === null,
    keepVersions: config.lifecycle.keepVersions,
  })
  const id = trained.version.id
  if (champion === null) {
    const entry = (await registry.log()).at(-1) as LogEntry
    log(`${id} promoted: the first champion`)
    return { trigger, challenger: trained.version, entry }
  }
  await registry.setChallenger(id)
  const championData = (await registry.get(champion))?.data.partitions ?? []
  const compared = await withSpark(options, async (spark, state) =>
    compareOnNewRows(spark, state, {
      window,
      champion: await readSavedVersion(models, champion),
      championData,
      challenger: await readSavedVersion(models, id),
      margins: config.lifecycle,
      // The fewest rows the loop measures an error on: fewer, and the difference between two versions is noise.
      minRows: config.lifecycle.driftMinRows,
    }),
  )
  if ('tooFew' in compared) {
    const entry = await registry.reject(id, `${trigger}; ${compared.tooFew}`, undefined)
    log(`${id} rejected, ${champion} stays: ${compared.tooFew}`)
    return { trigger, challenger: trained.version, entry }
  }
  const { comparison } = compared
  const decision = decide(comparison, config.lifecycle)
  const entry = decision.promote
    ? await registry.promote(id, `${trigger}; ${decision.reason}`, comparison)
    : await registry.reject(id, `${trigger}; ${decision.reason}`, comparison)
  log(
    `${id} ${decision.promote ? `promoted over ${champion}` : `rejected, ${champion} stays`}: ` +
      `${decision.reason} on ${comparison.rows} held-out rows`,
  )
  return { trigger, challenger: trained.version, entry }
}

/** Runs the loop until stopped (or `rounds` challengers); the rounds it completed. */
export async function follow(options: FollowOptions): Promise<Round[]> {
  const models = openModels(options.config.paths.models, options.config.storage.s3)
  const registry = registryOf(models)
  const rounds: Round[] = []
  const references = new Map<string, CityReference>()
  options.log(`following the batch files of ${options.config.kafka.topic} in ${options.config.paths.batches}`)
  while (!options.signal.aborted && rounds.length < (options.rounds ?? Number.POSITIVE_INFINITY)) {
    const trigger = await nextTrigger(options, models, registry, references)
    if (trigger === undefined) break
    try {
      rounds.push(await round(options, models, registry, trigger))
    } catch (error) {
      // Stopped during a training: it left the models as they were.
      if (options.signal.aborted) break
      throw error
    }
  }
  options.log('stopped following')
  return rounds
}
