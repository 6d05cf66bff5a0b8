// `npm run bench:evaluator` — the native tree evaluator on one core of this machine, for each served model:
//   1. the forest alone on the same feature matrix: rows/s of the reference walk and of the one the evaluator picks
//      for this forest ("compiled": the WebAssembly module, or the walk for forests too large for it) over the walk
//      (plus the time to generate and compile the module at model load);
//   2. the whole evaluator, records → predictions: one record at a time (`predict`, the single endpoints) and in
//      bulk (`predictMany`, the batch endpoint), both on the compiled code.
// Each figure is the median of --repeat runs. Prints the figures and writes them to
// bench/results/evaluator-<date>.json.
// Options: --models <dir> (default: the configured models folder), --rows <n> (rows per run, 1,000,000),
//          --repeat <n> (3).
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config.ts'
import type { TrafficRecord } from '../src/contract/columns.ts'
import { createSyntheticSource } from '../src/dataset/generator.ts'
import { compileEvaluator, type ModelEvaluator } from '../src/serving/evaluator.ts'
import { type EnsembleScorer, outputWidth } from '../src/serving/forest.ts'
import { walkEnsemble } from '../src/serving/forest-walk.ts'
import { inputColumnsOf, SERVED_MODELS, type ServedModel } from '../src/serving/model-catalog.ts'
import { pickScorer } from '../src/serving/pick-scorer.ts'
import { buildPipeline, readPipelineData } from '../src/serving/pipeline-model.ts'
import { type TreeModelParams, treeEnsembleOf } from '../src/serving/stages/tree-models.ts'
import { benchArgs, positiveNumber } from './args.ts'

const args = benchArgs(
  'npm run bench:evaluator --',
  'The native tree evaluator on one core: the forests alone, then records → predictions.',
  {
    models: { type: 'string', description: 'models folder (default: the configured one)' },
    rows: { type: 'string', default: '1000000', description: 'rows scored per run' },
    repeat: { type: 'string', default: '3', description: 'runs per figure (the median counts)' },
  },
)
const modelsDir = path.resolve(args.models ?? loadConfig().paths.models)
const rowsPerRun = positiveNumber('rows', args.rows)
const repeat = positiveNumber('repeat', args.repeat)

/** Distinct records, so the trees take varied paths (the matrix is scored over and over until rowsPerRun). */
const DISTINCT_ROWS = 100_000
const generate = createSyntheticSource(42)
const records: TrafficRecord[] = Array.from({ length: DISTINCT_ROWS }, generate)

/** Passes over the matrix before timing: V8 optimises the generated functions in the background meanwhile. */
const WARM_UP_PASSES = 5

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

/**
 * Median rows per CPU second over `repeat` timed runs of `pass` (which handles DISTINCT_ROWS rows), after the
 * warm-up passes. CPU time (user + system of this process), not wall time: on a machine shared with other work the
 * figure stays the speed of one core, not of the share of it this process got.
 */
function rowsPerSecond(pass: () => void): number {
  for (let i = 0; i < WARM_UP_PASSES; i++) pass()
  const passes = Math.max(1, Math.round(rowsPerRun / DISTINCT_ROWS))
  const runs = Array.from({ length: repeat }, () => {
    const start = process.cpuUsage()
    for (let i = 0; i < passes; i++) pass()
    const used = process.cpuUsage(start)
    return (passes * DISTINCT_ROWS) / ((used.user + used.system) / 1e6)
  })
  return Math.round(median(runs))
}

function forestSpeed(scorer: EnsembleScorer, matrix: Float64Array, stride: number, width: number): number {
  const out = new Float64Array(DISTINCT_ROWS * width)
  return rowsPerSecond(() => scorer.score(matrix, stride, DISTINCT_ROWS, out))
}

function evaluatorSpeeds(evaluator: ModelEvaluator) {
  let sink = 0
  const single = rowsPerSecond(() => {
    for (const record of records) sink += evaluator.predict(record).prediction
  })
  const bulk = rowsPerSecond(() => {
    sink += evaluator.predictMany(records).length
  })
  if (Number.isNaN(sink)) throw new Error('the evaluator returned NaN')
  return { single, bulk }
}

/** The scorer and how long it took to build, in ms. */
function timed(build: () => EnsembleScorer): [EnsembleScorer, number] {
  const start = process.hrtime.bigint()
  const scorer = build()
  return [scorer, Math.round(Number(process.hrtime.bigint() - start) / 1e6)]
}

async function measure(spec: ServedModel) {
  const data = await readPipelineData(path.join(modelsDir, spec.folder))
  const evaluator = compileEvaluator(buildPipeline(data), inputColumnsOf(spec))
  const params = (data.stages.at(-1) as { params: TreeModelParams }).params
  const { forest } = params
  const ensemble = treeEnsembleOf(params)
  const stride = evaluator.featureCount
  const matrix = new Float64Array(DISTINCT_ROWS * stride)
  evaluator.writeFeatures(records, 0, DISTINCT_ROWS, matrix)
  const width = outputWidth(ensemble)
  const speed = (scorer: EnsembleScorer) => forestSpeed(scorer, matrix, stride, width)

  const [chosen, compileMs] = timed(() => pickScorer(ensemble))
  const walk = speed(walkEnsemble(ensemble))
  const compiled = chosen.kind === 'walk' ? walk : speed(chosen)
  return {
    model: spec.id,
    trees: forest.numTrees,
    nodes: forest.values.length,
    depth: forest.depth,
    expectedDepth: Number(forest.expectedDepth.toFixed(1)),
    compileMs,
    chosen: chosen.kind,
    forest: { walk, compiled, ratio: Number((compiled / walk).toFixed(2)) },
    evaluator: evaluatorSpeeds(evaluator),
  }
}

const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  node: process.version,
  loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
}
process.stdout.write(
  `Models: ${modelsDir}\nMachine: ${machine.cpus} × ${machine.cpu}, load ${machine.loadAverageAtStart.join(' ')}\n` +
    `Rows per CPU second (one core); each figure the median of ${repeat} runs of ${rowsPerRun.toLocaleString('en')} rows\n\n`,
)
const M = (n: number) => `${(n / 1e6).toFixed(2)} M`
const models = []
for (const spec of SERVED_MODELS) {
  const result = await measure(spec)
  models.push(result)
  const { forest, evaluator, compileMs } = result
  process.stdout.write(
    `${spec.id.padEnd(20)} ${result.trees} trees, depth ${result.depth} (rows end at ${result.expectedDepth} on average), ${result.nodes} nodes; built in ${compileMs} ms (${result.chosen})\n` +
      `  forest     walk ${M(forest.walk)} rows/s   compiled (${result.chosen}) ${M(forest.compiled)} rows/s = ${forest.ratio} × the walk\n` +
      `  evaluator  predict ${M(evaluator.single)} rows/s   predictMany ${M(evaluator.bulk)} rows/s\n`,
  )
}

const results = {
  benchmark: 'evaluator',
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))) },
  modelsDir,
  settings: { rowsPerRun, repeat, distinctRows: DISTINCT_ROWS },
  targets: { compiledRowsPerSecond: 1_000_000, compiledOverWalk: 3 },
  models,
}
const file = path.join('bench', 'results', `evaluator-${results.date.slice(0, 10)}.json`)
mkdirSync(path.dirname(file), { recursive: true })
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
process.stdout.write(`\nWritten to ${file}\n`)
