// `npm run bench` — the whole benchmark suite on the full-size data set (1,219,567 rows): ingest, training
// (whose models the evaluator and API benchmarks then use), evaluator, API, live streaming queries. Each benchmark
// writes its own results file; this collects them into bench/results/<date>.json and a markdown table,
// bench/results/<date>.md, that the README quotes.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config.ts'
import { engineStatuses, startEngines, stopEngines } from '../src/engines/lifecycle.ts'
import { benchArgs } from './args.ts'

benchArgs(
  'npm run bench --',
  'The whole suite on the full-size data set: ingest, training, evaluator, API, live; each part has its own --help.',
  {},
)

const RESULTS = path.resolve('bench', 'results')
const day = new Date().toISOString().slice(0, 10)

function runBench(script: string, args: string[] = []): void {
  process.stdout.write(`\n════ ${script} ${args.join(' ')}\n`)
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('bench', script), ...args], {
    stdio: 'inherit',
  })
  if (result.status !== 0) throw new Error(`bench/${script} failed (exit ${result.status})`)
}

function readResults(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(RESULTS, `${name}-${day}.json`), 'utf8'))
}

// biome-ignore lint/suspicious/noExplicitAny: results files are read back as the benchmarks wrote them
type Json = any

function markdown(ingest: Json, train: Json, evaluator: Json, api: Json, live: Json): string {
  const rows: [string, string, string][] = []
  const add = (what: string, value: string, target = '') => rows.push([what, value, target])
  const fmt = (n: number) => Math.round(n).toLocaleString('en')
  add('producer, rows/s', fmt(ingest.producer.rowsPerSecond), '≥ 150,000')
  add('consumer, rows/s', fmt(ingest.consumer.rowsPerSecond))
  add('ingest end to end, s', ingest.endToEnd.seconds.toFixed(1), '≤ 30')
  add('Kafka ProducerPerformance (ceiling), rows/s', fmt(ingest.kafkaProducerPerformance.recordsPerSecond))
  const share = ingest.producer.rowsPerSecond / ingest.kafkaProducerPerformance.recordsPerSecond
  add('producer / ProducerPerformance, same run', `${Math.round(100 * share)}%`, '≥ 50%')
  const trained = train.results[0]
  add('training, 3 models, total s', trained.seconds.total.toFixed(1))
  for (const [model, result] of Object.entries<Json>(trained.models)) {
    const m = result.metrics
    const metric =
      'r2' in m
        ? `R² ${m.r2.toFixed(3)}, RMSE ${m.rmse.toFixed(4)}`
        : `accuracy ${m.accuracy.toFixed(4)}, AUC ${m.areaUnderROC.toFixed(4)}`
    add(`${model}: ${trained.seconds[model].toFixed(1)} s`, metric)
  }
  for (const single of api.single) {
    add(
      `API ${single.endpoint}, req/s (p50 / p99 ms)`,
      `${fmt(single.requestsPerSecond)} (${single.p50Ms} / ${single.p99Ms})`,
      '≥ 10,000, p99 ≤ 5',
    )
  }
  for (const batch of api.batch) add(`API ${batch.endpoint}, rows/s`, fmt(batch.rowsPerSecond))
  for (const model of evaluator.models) {
    const { walk, compiled, ratio } = model.forest
    add(`forest ${model.model}: walk, rows/s per core`, fmt(walk))
    add(
      `forest ${model.model}: compiled (${model.chosen}), rows/s per core`,
      `${fmt(compiled)} (${ratio} ×)`,
      '≥ 1,000,000, ≥ 3 ×',
    )
  }
  add('live queries: highest replay rate kept up, rows/s', fmt(live.highestRateKeptUp), '≥ 20,000')
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`
  return [
    `Benchmarks of ${day} on ${machine} — 1,219,567 rows (\`npm run bench\`)`,
    '',
    '| measure | value | target |',
    '|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
  ].join('\n')
}

const config = loadConfig()
const wereRunning = new Set(
  (await engineStatuses(config)).filter((s) => s.pid !== undefined).map((s) => s.name),
)
const models = mkdtempSync(path.join(os.tmpdir(), 'bench-models-'))
try {
  await startEngines(config)
  runBench('ingest.ts')
  runBench('train.ts', ['--models-out', models])
  runBench('evaluator.ts', ['--models', models])
  runBench('api.ts', ['--models', models])
  runBench('live.ts')
  const all = {
    date: new Date().toISOString(),
    ingest: readResults('ingest'),
    train: readResults('train'),
    evaluator: readResults('evaluator'),
    api: readResults('api'),
    live: readResults('live'),
  }
  writeFileSync(path.join(RESULTS, `${day}.json`), `${JSON.stringify(all, null, 2)}\n`)
  const table = markdown(all.ingest, all.train, all.evaluator, all.api, all.live)
  writeFileSync(path.join(RESULTS, `${day}.md`), table)
  process.stdout.write(`\n${table}\nwritten to bench/results/${day}.json and bench/results/${day}.md\n`)
} finally {
  rmSync(models, { recursive: true, force: true })
  await stopEngines(config, wereRunning)
}
