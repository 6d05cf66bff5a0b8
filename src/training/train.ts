// `traffic train`: all batch files → three-way split → three tree-model pipelines fitted over Spark
// Connect → native PipelineModels, report.json, analytics.json, version.json and parity predictions, written as a
// new version of the models, completed only when everything succeeded, and promoted through the registry.
// Server-side cached data and models are released at the end, on failure too.
import { type Config, DEFAULTS } from '../config.ts'
import { ANALYTICS_FILE, REPORT_FILE, VERSION_FILE } from '../contract/models.ts'
import { connectSpark, type SparkConnectConfig } from '../engines/spark-connect.ts'
import { TrafficError } from '../errors.ts'
import { registryOf, trainingData, type VersionRecord, versionRecord } from '../lifecycle/registry.ts'
import { type DataFrame, redactSparkRemote, type SparkSession } from '../spark/index.ts'
import { withTrafficErrors } from '../spark-errors.ts'
import type { TreeParams } from './algorithms.ts'
import { computeAnalytics } from './analytics.ts'
import { findBatches, type LoadedBatches, loadBatches } from './batches.ts'
import type { CandidatesOptions } from './candidates.ts'
import { HOLDOUT_FRACTION, MODEL_SPECS, type ModelName, SPLIT_SEED, SPLIT_WEIGHTS } from './model-specs.ts'
import { type PublishedModels, withModelsLock } from './models-publisher.ts'
import { type LineWriter, Progress } from './progress.ts'
import type { ModelReport, TrainingParams, TrainingReport } from './report.ts'
import { ServerState } from './server-state.ts'
import { allSettledOrThrow } from './settled.ts'
import { modelParts } from './split.ts'
import { type TrainContext, trainModel } from './train-model.ts'

export interface TrainOptions {
  batchesDir: string
  /** Training reads the batch files of this topic only (a folder may hold several topics' files). */
  topic: string
  /** The batch files to read (Spark paths), e.g. continuous training's window; all of the topic's without it. */
  files?: string[]
  /**
   * Where a new version is written and published on success: a folder on the Spark server's file system (the
   * same one for a local server) or object storage.
   */
  models: PublishedModels
  /**
   * The Spark Connect server to train on (connection.spark.remote) and what connecting to it needs, and how to
   * reach the batches when they are on object storage.
   */
  connection: SparkConnectConfig & Pick<Config, 'storage'>
  params: TrainingParams
  parityRows: number
  /**
   * Spark session settings for this run, e.g. a larger
   * `spark.connect.session.connectML.mlCache.memoryControl.maxModelSize` when deep forests stop growing early.
   */
  sparkConf?: Record<string, string>
  /** Fit candidate learners per model too: to tune (pick the best) or to compare them on held-out rows. */
  candidates?: CandidatesOptions
  log: LineWriter
  /** Aborting stops the run: nothing is written, the server's cached data and models are released. */
  signal?: AbortSignal
  /** Why this version is trained, in its version.json (default 'traffic train'). */
  reason?: string
  /** Serve the new version (promote it, logged with `reason`); else it is only completed (default true). */
  promote?: boolean
  /** Complete versions kept by the clean-up at the start besides those the registry names (TRAFFIC_MODELS_KEEP). */
  keepVersions?: number
}

/** The training report, and the version it became. */
export interface TrainedVersion extends TrainingReport {
  version: VersionRecord
}

const DEFAULT_REASON = 'traffic train'

/**
 * Each model's learner, chosen from the measured frontier of quality against training time (README). A GBT costs
 * about one Spark job per tree level and iteration, so fewer iterations with a larger step are cheaper, as far as
 * the held-out score allows.
 */
export const DEFAULT_PARAMS: TrainingParams = {
  encoding: 'indexed',
  seed: SPLIT_SEED,
  models: {
    // Every cheaper point of the frontier (fewer iterations, larger step, deeper trees) scored lower.
    traffic_density_model: { algorithm: 'gbt', numTrees: 80, maxDepth: 5, maxBins: 64, stepSize: 0.2 },
    // Half the trees no longer classify every held-out row right.
    peak_hour_model: { algorithm: 'randomForest', numTrees: 40, maxDepth: 10, maxBins: 32 },
    // The same score as 60 iterations of step 0.2 with a sixth fewer jobs; fewer iterations scored lower.
    energy_consumption_model: { algorithm: 'gbt', numTrees: 50, maxDepth: 5, maxBins: 64, stepSize: 0.3 },
  },
}
export const DEFAULT_PARITY_ROWS = 2000

/** The default params with the same learner settings (those given) applied to all three models, e.g. from flags. */
export function paramsWith(
  given: Partial<TreeParams>,
  base: TrainingParams = DEFAULT_PARAMS,
): TrainingParams {
  const overrides = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined))
  const models = Object.fromEntries(
    Object.entries(base.models).map(([name, tree]) => [name, { ...tree, ...overrides }]),
  ) as TrainingParams['models']
  return { ...base, models }
}

function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

async function trainAll(
  context: TrainContext,
  batches: LoadedBatches,
  options: TrainOptions,
  files: number,
): Promise<TrainingReport> {
  const { spark, progress, staging } = context
  const timings: Record<string, number> = {}
  const parts = modelParts(batches.table.data)
  // The analytics and the three models are independent: run at once, over one session, their many small jobs
  // share the cores instead of each waiting for the one before. All are awaited before a failure is passed on,
  // so none still writes into the staged version once it is discarded.
  const analytics = progress.step(
    'analytics (Spark SQL)',
    () => computeAnalytics(spark, batches.table.view, batches.rows),
    timings,
  )
  const trained = MODEL_SPECS.map((model) =>
    progress.step(
      `train ${model.name}`,
      () => trainModel(context, model, parts[model.part] as DataFrame),
      timings,
    ),
  )
  const [analyticsResult, ...reports] = await allSettledOrThrow([analytics, ...trained] as const)
  const models = Object.fromEntries(reports.map((report, i) => [MODEL_SPECS[i]?.name, report])) as Record<
    ModelName,
    ModelReport
  >
  const report: TrainingReport = {
    trainedAt: new Date().toISOString(),
    sparkVersion: spark.version,
    sparkRemote: redactSparkRemote(options.connection.spark.remote),
    batches: { dir: options.batchesDir, files, rows: batches.rows },
    split: { weights: [...SPLIT_WEIGHTS], seed: SPLIT_SEED, holdoutFraction: HOLDOUT_FRACTION },
    params: options.params,
    models,
    timings,
  }
  await staging.write(ANALYTICS_FILE, jsonText(analyticsResult))
  return report
}

/** Everything after connecting: read, analyse, train, write and complete a new version, promote it. */
async function trainOnServer(
  spark: SparkSession,
  state: ServerState,
  files: string[],
  options: TrainOptions,
  progress: Progress,
): Promise<TrainedVersion> {
  if (options.sparkConf && Object.keys(options.sparkConf).length) {
    for (const warning of await spark.setConf(options.sparkConf)) progress.warn(`Spark: ${warning}`)
  }
  const readTimings: Record<string, number> = {}
  const batches = await progress.step(
    'read and cache the batch files',
    () => loadBatches(spark, state, files),
    readTimings,
  )
  progress.line(`${batches.rows} rows`)
  const { models } = options
  const reason = options.reason ?? DEFAULT_REASON
  const staging = await models.stage()
  let version: VersionRecord
  let report: TrainingReport
  try {
    const context: TrainContext = {
      spark,
      progress,
      params: options.params,
      parityRows: options.parityRows,
      ...(options.candidates ? { candidates: options.candidates } : {}),
      staging,
      state,
    }
    report = await trainAll(context, batches, options, files.length)
    report.timings = {
      ...readTimings,
      ...report.timings,
      total: Math.round(progress.elapsedSeconds * 1000) / 1000,
    }
    await staging.write(REPORT_FILE, jsonText(report))
    version = versionRecord(staging.id, report, reason, trainingData(options.topic, files, batches.rows))
    await staging.write(VERSION_FILE, jsonText(version))
    options.signal?.throwIfAborted()
    await models.complete(staging)
  } catch (error) {
    await models.discard(staging)
    throw error
  }
  // A complete version stays listed even if promoting it fails: it can be promoted by hand.
  if (options.promote ?? true) await registryOf(models).promote(staging.id, reason)
  progress.line(
    `models, ${REPORT_FILE}, ${ANALYTICS_FILE} and ${VERSION_FILE} written to ${models.location} as version ${staging.id}`,
  )
  return { ...report, version }
}

/** Trains while holding the models folder's lock (one run at a time), after removing what killed runs left. */
export function train(options: TrainOptions): Promise<TrainedVersion> {
  return withModelsLock(options.models, async () => {
    const progress = new Progress(options.log)
    const removed = await registryOf(options.models).cleanLeftovers(
      options.keepVersions ?? DEFAULTS.keepVersions,
    )
    if (removed.length) progress.line(`removed ${removed.length} old or half-written model version(s)`)
    return await withTrafficErrors(() => trainLocked(options, progress))
  })
}

async function trainLocked(options: TrainOptions, progress: Progress): Promise<TrainedVersion> {
  const files =
    options.files ??
    (await findBatches(options.batchesDir, options.topic, options.connection.storage.s3)).paths
  progress.line(`${files.length} batch file(s) of ${options.topic} in ${options.batchesDir}`)
  const remote = redactSparkRemote(options.connection.spark.remote)
  const spark = await progress.step(`connect to Spark at ${remote}`, () => connectSpark(options.connection))
  const state = new ServerState(spark)
  // The run's outcome (or its first error) matters more than a failed cleanup: warn and go on.
  const release = () =>
    state.close((what, error) =>
      progress.warn(`could not ${what}: ${error instanceof Error ? error.message : String(error)}`),
    )
  // Stopping releases the session at once: the server interrupts what it runs, the pending call fails.
  const stop = () => {
    progress.line('stopping: releasing the cached data and models on the server …')
    void release()
  }
  options.signal?.addEventListener('abort', stop, { once: true })
  try {
    options.signal?.throwIfAborted()
    return await trainOnServer(spark, state, files, options, progress)
  } catch (error) {
    if (!options.signal?.aborted) throw error
    throw new TrafficError('INTERRUPTED', `Training stopped; ${options.models.location} is unchanged`, {
      cause: error,
    })
  } finally {
    options.signal?.removeEventListener('abort', stop)
    await release()
  }
}
