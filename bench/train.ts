// `npm run bench:train` — training at the real data set's size on this machine: wall time per model and in
// total, and held-out metrics, for the default learners and (with --compare) the frontier they were chosen from;
// then the previous defaults and the seed-style pipeline (one-hot + scaler + random forests) on the same batches.
// Each run's jobs, stages, tasks and executor time per step come from Spark's status API (counts the machine's
// load does not change).
// Needs a running local Spark Connect server (`traffic engines start`) whose web UI this machine reaches.
// Prints the figures and writes them to bench/results/train-<date>.json.
// Flags: `npm run bench:train -- --help`.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type Config, loadConfig } from '../src/config.ts'
import { CSV_HEADER, encodeCsvLine } from '../src/contract/csv.ts'
import { createSyntheticSource } from '../src/dataset/generator.ts'
import { batchFileName } from '../src/stream/batch-files.ts'
import { describeTreeParams, type TreeParams } from '../src/training/algorithms.ts'
import type { CandidatesOptions } from '../src/training/candidates.ts'
import type { ModelName } from '../src/training/model-specs.ts'
import { folderModels } from '../src/training/models-folder.ts'
import type { LineWriter } from '../src/training/progress.ts'
import type { TrainingParams, TrainingReport } from '../src/training/report.ts'
import { formatMetrics } from '../src/training/summary.ts'
import { DEFAULT_PARAMS, DEFAULT_PARITY_ROWS, train } from '../src/training/train.ts'
import { benchArgs, positiveNumber } from './args.ts'
import { type SeedStyleResult, trainSeedStyle } from './seed-style-run.ts'
import { countsBySteps, countsTable, StepTimeline, statusApiOf, totalCounts } from './spark-status.ts'
import { trainFromBothStores } from './train-stores.ts'

const REAL_FILE_ROWS = 1_219_567
/** Rows per batch file, as the consumer cuts them. */
const BATCH_ROWS = 100_000

const args = benchArgs(
  'npm run bench:train --',
  'Training time per model and held-out metrics: the defaults, the previous defaults and the seed-style pipeline.',
  {
    rows: { type: 'string', default: String(REAL_FILE_ROWS), description: 'rows of the generated batches' },
    batches: { type: 'string', description: 'train on these existing batch files instead of generated ones' },
    compare: {
      type: 'boolean',
      default: false,
      description: 'also fit every frontier learner on the same features and print the frontier table',
    },
    'models-out': {
      type: 'string',
      description: "keep the default run's models in this folder (e.g. for bench:api)",
    },
    store: {
      type: 'string',
      description:
        'only s3: the default training from the folder and from s3:// over s3a, on engines of its own',
    },
  },
)

const work = mkdtempSync(path.join(os.tmpdir(), 'bench-train-'))

function writeBatches(rows: number, topic: string): string {
  const dir = path.join(work, 'batched_data_traffic')
  mkdirSync(dir)
  const next = createSyntheticSource(42)
  for (let written = 0; written < rows; ) {
    const count = Math.min(BATCH_ROWS, rows - written)
    const lines = [CSV_HEADER]
    for (let i = 0; i < count; i++) lines.push(encodeCsvLine(next()))
    writeFileSync(
      path.join(dir, batchFileName(topic, 0, BigInt(written), BigInt(written + count - 1))),
      `${lines.join('\n')}\n`,
    )
    written += count
  }
  return dir
}

/** The defaults before the boosting iterations and step sizes were moved along the frontier. */
const PREVIOUS_PARAMS: TrainingParams = {
  ...DEFAULT_PARAMS,
  models: {
    traffic_density_model: { algorithm: 'gbt', numTrees: 80, maxDepth: 5, maxBins: 64, stepSize: 0.2 },
    peak_hour_model: { algorithm: 'randomForest', numTrees: 40, maxDepth: 10, maxBins: 32 },
    energy_consumption_model: { algorithm: 'gbt', numTrees: 60, maxDepth: 5, maxBins: 64, stepSize: 0.2 },
  },
}
/** What training used before GBT, for all three models: the baseline of every frontier. */
const FOREST: TreeParams = { algorithm: 'randomForest', numTrees: 40, maxDepth: 10, maxBins: 32 }
const gbt = (numTrees: number, stepSize: number, maxDepth = 5, maxBins = 64): TreeParams => ({
  algorithm: 'gbt',
  numTrees,
  maxDepth,
  maxBins,
  stepSize,
})
/** Boosting iterations against step size and depth: each iteration costs about one Spark job per tree level. */
const BOOSTING_FRONTIER: TreeParams[] = [
  gbt(80, 0.2),
  gbt(40, 0.4),
  gbt(30, 0.5),
  gbt(20, 0.5, 6),
  gbt(15, 0.6, 6),
  gbt(30, 0.5, 5, 32),
  gbt(60, 0.25),
  gbt(50, 0.3),
  gbt(40, 0.3, 6),
]
/** The learners compared per model (quality against fit time), besides each model's default. */
const FRONTIER: Record<ModelName, TreeParams[]> = {
  traffic_density_model: BOOSTING_FRONTIER,
  peak_hour_model: [FOREST, { ...FOREST, numTrees: 20 }, { ...FOREST, numTrees: 10 }, gbt(10, 0.5, 5, 32)],
  energy_consumption_model: BOOSTING_FRONTIER,
}
/** The default is fitted once, as the saved model, and takes its row in the table from there. */
const grids = Object.fromEntries(
  Object.entries(FRONTIER).map(([name, learners]) => [
    name,
    learners.filter((learner) => !sameLearner(learner, DEFAULT_PARAMS.models[name as ModelName])),
  ]),
)

function sameLearner(a: TreeParams, b: TreeParams): boolean {
  return JSON.stringify(a, Object.keys(a).sort()) === JSON.stringify(b, Object.keys(b).sort())
}

const FIT_STEP = /^fit (RandomForest|GBT)/

function summarise(name: string, report: TrainingReport) {
  return {
    name,
    params: report.params,
    rows: report.batches.rows,
    seconds: {
      total: report.timings.total,
      readAndCache: report.timings['read and cache the batch files'],
      analytics: report.timings['analytics (Spark SQL)'],
      ...Object.fromEntries(
        Object.keys(report.models).map((model) => [model, report.timings[`train ${model}`]]),
      ),
    },
    models: Object.fromEntries(
      Object.entries(report.models).map(([model, result]) => [
        model,
        {
          rows: result.rows,
          learner: result.learner,
          fitSeconds: Object.entries(result.timings).find(([step]) => FIT_STEP.test(step))?.[1],
          metrics: { ...result.metrics, confusionMatrix: undefined },
          topFeatures: result.importances.byColumn.slice(0, 3),
          warnings: result.warnings,
          ...(result.candidates ? { frontier: result.candidates.results } : {}),
        },
      ]),
    ),
  }
}

function totalsLine(name: string, report: TrainingReport): string {
  const models = Object.entries(report.models)
    .map(([name, model]) => `${name} ${model.learner}: ${formatMetrics(model.metrics)}`)
    .join('; ')
  return `${name}: total ${report.timings.total} s — ${models}\n`
}

function seedStyleLine(result: SeedStyleResult): string {
  const models = Object.entries(result.metrics)
    .map(([name, metrics]) => `${name}: ${formatMetrics(metrics)}`)
    .join('; ')
  return `seed-style: total ${result.timings.total} s — ${models}\n`
}

/** Markdown: per model, each learner's held-out metrics and fit time (fitted back to back on the same features). */
function frontierTable(report: TrainingReport): string {
  const rows = Object.entries(report.models).flatMap(([name, model]) => {
    const fitSeconds = Object.entries(model.timings).find(([step]) => FIT_STEP.test(step))?.[1] ?? Number.NaN
    const saved = { learner: `${model.learner} (default)`, metrics: model.metrics, fitSeconds }
    return [saved, ...(model.candidates?.results ?? [])].map(({ learner, metrics, fitSeconds }) => {
      const quality =
        'r2' in metrics
          ? `R² ${metrics.r2.toFixed(4)}`
          : `accuracy ${metrics.accuracy.toFixed(4)}, AUC ${metrics.areaUnderROC.toFixed(4)}`
      return `| ${name} | ${learner} | ${quality} | ${fitSeconds.toFixed(1)} |`
    })
  })
  return ['\n| model | learner | held-out | fit s |', '| --- | --- | --- | --- |', ...rows, ''].join('\n')
}

function writeResult(name: string, result: { date: string; [field: string]: unknown }): string {
  const out = path.join('bench', 'results', `${name}-${result.date.slice(0, 10)}.json`)
  mkdirSync(path.dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  return out
}

async function compareStores(batches: string, topic: string): Promise<void> {
  const log = (line: string) => process.stdout.write(`${line}\n`)
  const results = await trainFromBothStores(batches, topic, work, log)
  const out = writeResult('train-stores', {
    date: new Date().toISOString(),
    machine: { cpus: os.cpus().length, loadAverage: os.loadavg() },
    batches: args.batches ? batches : `generated, ${args.rows} rows, seed 42`,
    results,
  })
  for (const { store, rows, seconds } of results) {
    process.stdout.write(
      `${store}: ${rows} rows, total ${seconds.total} s (read and cache ${seconds.readAndCache} s)\n`,
    )
  }
  process.stdout.write(`written to ${out}\n`)
}

/** The default training and the seed-style pipeline, profiled, on the running local server. */
async function benchDefault(config: Config, batches: string): Promise<void> {
  process.stdout.write(`\n── default: ${JSON.stringify(DEFAULT_PARAMS)}\n`)
  const candidates: CandidatesOptions | undefined = args.compare ? { mode: 'compare', grids } : undefined
  const api = await statusApiOf(config)
  /** Prints and timestamps a run's lines; its jobs, stages and tasks per step come from Spark's status API. */
  const profiled = async <T>(run: (log: LineWriter) => Promise<T>) => {
    const timeline = new StepTimeline()
    const value = await run((line) => {
      timeline.line(line)
      process.stdout.write(`${line}\n`)
    })
    const counts = await countsBySteps(api, timeline)
    process.stdout.write(`\n${countsTable(counts)}\n`)
    return { value, counts }
  }
  const trained = await profiled((log) =>
    train({
      batchesDir: batches,
      topic: config.kafka.topic,
      models: folderModels(args['models-out'] ? path.resolve(args['models-out']) : path.join(work, 'models')),
      connection: config,
      params: DEFAULT_PARAMS,
      parityRows: DEFAULT_PARITY_ROWS,
      ...(candidates ? { candidates } : {}),
      log,
    }),
  )
  const report = trained.value
  process.stdout.write(`\n── previous defaults: ${JSON.stringify(PREVIOUS_PARAMS)}\n`)
  const previous = await profiled((log) =>
    train({
      batchesDir: batches,
      topic: config.kafka.topic,
      models: folderModels(path.join(work, 'previous-models')),
      connection: config,
      params: PREVIOUS_PARAMS,
      parityRows: DEFAULT_PARITY_ROWS,
      log,
    }),
  )
  process.stdout.write(
    `\n── seed-style: one-hot + scaler + ${describeTreeParams(FOREST)}, one model after the other\n`,
  )
  const seedStyle = await profiled((log) => trainSeedStyle(config, batches, config.kafka.topic, FOREST, log))
  const results = [
    { ...summarise('default', report), status: totalCounts(trained.counts), statusBySteps: trained.counts },
    {
      ...summarise('previous defaults', previous.value),
      status: totalCounts(previous.counts),
      statusBySteps: previous.counts,
    },
    {
      name: 'seed-style',
      learner: describeTreeParams(FOREST),
      seconds: seedStyle.value.timings,
      metrics: seedStyle.value.metrics,
      status: totalCounts(seedStyle.counts),
      statusBySteps: seedStyle.counts,
    },
  ]
  const result = {
    date: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverage: os.loadavg(),
    },
    spark: config.spark.remote,
    batches: args.batches ? batches : `generated, ${args.rows} rows, seed 42`,
    results,
  }
  const out = writeResult('train', result)
  const load = result.machine.loadAverage.map((value) => value.toFixed(1)).join(' ')
  process.stdout.write(
    `machine: ${result.machine.cpus} CPUs, load average ${load} (1, 5, 15 min) at the end\n`,
  )
  process.stdout.write(totalsLine('default', report))
  process.stdout.write(totalsLine('previous defaults', previous.value))
  process.stdout.write(seedStyleLine(seedStyle.value))
  if (args.compare) process.stdout.write(frontierTable(report))
  process.stdout.write(`written to ${out}\n`)
}

try {
  const config = loadConfig()
  const batches = args.batches
    ? path.resolve(args.batches)
    : writeBatches(positiveNumber('rows', args.rows), config.kafka.topic)
  if (args.store === undefined) await benchDefault(config, batches)
  else if (args.store === 's3') await compareStores(batches, config.kafka.topic)
  else throw new Error(`--store must be s3 (the folder is always timed beside it), got "${args.store}"`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
