// `npm run bench:train` — training at the real data set's size on this machine: wall time per model and in
// total, and held-out metrics, for the default pipeline and (with --compare) the alternatives it was chosen
// against. Needs a running Spark Connect server (`traffic engines start`, or SPARK_REMOTE).
// Prints the figures and writes them to bench/results/train-<date>.json.
// Options: --rows <n> (1,219,567: the real file's size), --batches <dir> (train on existing batch files instead
//          of generated ones), --compare (also one-hot encoding and deeper trees), --trees/--depth (default run),
//          --models-out <dir> (keep the default run's models there, e.g. for bench:api).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.ts'
import { createSyntheticSource } from '../src/dataset/generator.ts'
import { CSV_HEADER, encodeCsvLine } from '../src/schema/csv.ts'
import type { TrainingParams, TrainingReport } from '../src/training/report.ts'
import { DEFAULT_PARAMS, DEFAULT_PARITY_ROWS, train } from '../src/training/train.ts'

const REAL_FILE_ROWS = 1_219_567
/** Rows per batch file, as the consumer cuts them. */
const BATCH_ROWS = 100_000

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: String(REAL_FILE_ROWS) },
    batches: { type: 'string' },
    compare: { type: 'boolean', default: false },
    trees: { type: 'string', default: String(DEFAULT_PARAMS.numTrees) },
    depth: { type: 'string', default: String(DEFAULT_PARAMS.maxDepth) },
    'models-out': { type: 'string' },
  },
})

const work = mkdtempSync(path.join(os.tmpdir(), 'bench-train-'))

function writeBatches(rows: number): string {
  const dir = path.join(work, 'batched_data_traffic')
  mkdirSync(dir)
  const next = createSyntheticSource(42)
  for (let file = 0, written = 0; written < rows; file++) {
    const count = Math.min(BATCH_ROWS, rows - written)
    const lines = [CSV_HEADER]
    for (let i = 0; i < count; i++) lines.push(encodeCsvLine(next()))
    writeFileSync(
      path.join(dir, `urban_traffic_batch_${String(file).padStart(3, '0')}.csv`),
      `${lines.join('\n')}\n`,
    )
    written += count
  }
  return dir
}

const base: TrainingParams = { ...DEFAULT_PARAMS, numTrees: Number(args.trees), maxDepth: Number(args.depth) }
const configs: { name: string; params: TrainingParams }[] = [{ name: 'default', params: base }]
if (args.compare) {
  configs.push({ name: 'onehot', params: { ...base, encoding: 'onehot' } })
  configs.push({ name: 'deeper', params: { ...base, maxDepth: base.maxDepth + 4 } })
}

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
          fitForestSeconds: Object.entries(result.timings).find(([step]) =>
            step.startsWith('fit RandomForest'),
          )?.[1],
          metrics: { ...result.metrics, confusionMatrix: undefined },
          topFeatures: result.importances.byColumn.slice(0, 3),
          warnings: result.warnings,
        },
      ]),
    ),
  }
}

try {
  const config = loadConfig()
  const batches = args.batches ? path.resolve(args.batches) : writeBatches(Number(args.rows))
  const results = []
  for (const { name, params } of configs) {
    process.stdout.write(`\n── ${name}: ${JSON.stringify(params)}\n`)
    const report = await train({
      batchesDir: batches,
      modelsDir:
        name === 'default' && args['models-out']
          ? path.resolve(args['models-out'])
          : path.join(work, `models-${name}`),
      sparkRemote: config.spark.remote,
      params,
      parityRows: DEFAULT_PARITY_ROWS,
      log: (line) => process.stdout.write(`${line}\n`),
    })
    results.push(summarise(name, report))
  }
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
  const out = path.join('bench', 'results', `train-${result.date.slice(0, 10)}.json`)
  mkdirSync(path.dirname(out), { recursive: true })
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
  process.stdout.write(`\n${JSON.stringify(results, null, 2)}\nwritten to ${out}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
