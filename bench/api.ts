// `npm run bench:api` — serving speed on this machine:
//   1. the bare native evaluator (rows/s per model, no HTTP);
//   2. `traffic serve` in its own process, loaded with autocannon over loopback: req/s and p50/p99 latency of the
//      three single-prediction endpoints, and rows/s of the batch endpoint (also per CPU second of the server).
// Prints the figures and writes them to bench/results/api-<date>.json. Flags: `npm run bench:api -- --help`.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { SEED_EXAMPLES } from '../src/api/seed-examples.ts'
import { loadConfig } from '../src/config.ts'
import type { TrafficRecord } from '../src/contract/columns.ts'
import { createSyntheticSource } from '../src/dataset/generator.ts'
import { compileEvaluator } from '../src/serving/evaluator.ts'
import { inputColumnsOf, SERVED_MODELS, type ServedModel } from '../src/serving/model-catalog.ts'
import { readPipelineModel } from '../src/serving/pipeline-model.ts'
import { benchArgs, positiveNumber } from './args.ts'
import { startServe } from './serve-process.ts'

const args = benchArgs(
  'npm run bench:api --',
  'Serving speed: the native evaluator alone, then `traffic serve` under autocannon.',
  {
    models: { type: 'string', description: 'models folder (default: the configured one)' },
    duration: { type: 'string', default: '10', description: 'seconds of load per endpoint' },
    connections: { type: 'string', default: '32', description: 'concurrent connections' },
    'batch-rows': { type: 'string', default: '1000', description: 'rows per request to the batch endpoint' },
  },
)
const modelsDir = path.resolve(args.models ?? loadConfig().paths.models)
const duration = positiveNumber('duration', args.duration)
const connections = positiveNumber('connections', args.connections)
const batchRows = positiveNumber('batch-rows', args['batch-rows'])

const generate = createSyntheticSource(42)
const records: TrafficRecord[] = Array.from({ length: 10_000 }, generate)

async function evaluatorSpeed(spec: ServedModel) {
  const evaluator = compileEvaluator(
    await readPipelineModel(path.join(modelsDir, spec.folder)),
    inputColumnsOf(spec),
  )
  let sink = 0
  const run = (rows: number) => {
    const start = process.hrtime.bigint()
    for (let i = 0; i < rows; i++)
      sink += evaluator.predict(records[i % records.length] as TrafficRecord).prediction
    return Number(process.hrtime.bigint() - start) / 1e9
  }
  run(200_000)
  const rows = 2_000_000
  const seconds = run(rows)
  if (Number.isNaN(sink)) throw new Error('evaluator returned NaN')
  return {
    model: spec.id,
    trees: evaluator.trees,
    nodes: evaluator.nodes,
    rowsPerSecond: Math.round(rows / seconds),
  }
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
  })
}

/** The model's inputs for varied records (so the trees take varied paths). */
function bodies(spec: ServedModel, count: number): string[] {
  return records.slice(0, count).map((record) => {
    const { [spec.target]: _target, ...features } = record
    return JSON.stringify(features)
  })
}

async function httpSpeed(url: string, spec: ServedModel) {
  const result = await cannon({
    url: `${url}/predict_${spec.id}`,
    connections,
    duration,
    headers: { 'content-type': 'application/json' },
    requests: bodies(spec, 256).map((body) => ({ method: 'POST', body })),
  })
  return {
    endpoint: `/predict_${spec.id}`,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    requests: result.requests.total,
    failures: result.errors + result.timeouts + result.non2xx,
  }
}

/** Clock ticks per second of /proc's CPU times. */
const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }))

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux): the server's own work, whatever else
 * the machine runs (wall-clock rows/s fall with the load; rows per CPU second stay one core's speed).
 */
function cpuSeconds(pid: number): number {
  // The fields after the command name (in parentheses, may hold spaces); utime and stime are fields 14 and 15.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS
}

async function batchSpeed(url: string, spec: ServedModel, serverPid: number) {
  const body = `[${bodies(spec, batchRows).join(',')}]`
  const cpuBefore = cpuSeconds(serverPid)
  const result = await cannon({
    url: `${url}/predict/${spec.id}/batch`,
    connections: 4,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  })
  return {
    endpoint: `/predict/${spec.id}/batch`,
    rowsPerRequest: batchRows,
    rowsPerSecond: Math.round(result.requests.average * batchRows),
    rowsPerServerCpuSecond: Math.round(
      (result.requests.total * batchRows) / (cpuSeconds(serverPid) - cpuBefore),
    ),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.non2xx,
  }
}

const machine = {
  cpus: os.cpus().length,
  cpu: os.cpus()[0]?.model,
  node: process.version,
  loadAverageAtStart: os.loadavg().map((n) => Number(n.toFixed(2))),
}
process.stdout.write(
  `Models: ${modelsDir}\nMachine: ${machine.cpus} × ${machine.cpu}, load ${machine.loadAverageAtStart.join(' ')}\n\n`,
)

const evaluator = []
for (const spec of SERVED_MODELS) {
  const speed = await evaluatorSpeed(spec)
  evaluator.push(speed)
  process.stdout.write(
    `evaluator  ${spec.id.padEnd(20)} ${(speed.rowsPerSecond / 1e6).toFixed(2)} M rows/s  (${speed.trees} trees, ${speed.nodes} nodes)\n`,
  )
}

const server = startServe(modelsDir, ['--no-watch'])
const single = []
const batch = []
try {
  const url = await server.url
  // Warm the server's JIT before measuring.
  await cannon({
    url: `${url}/predict_is_peak_hour`,
    connections: 8,
    duration: 2,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SEED_EXAMPLES.is_peak_hour),
  })
  for (const spec of SERVED_MODELS) {
    const speed = await httpSpeed(url, spec)
    single.push(speed)
    process.stdout.write(
      `http       ${speed.endpoint.padEnd(28)} ${speed.requestsPerSecond} req/s  p50 ${speed.p50Ms} ms  p99 ${speed.p99Ms} ms  (${connections} connections, ${speed.failures} failures)\n`,
    )
  }
  for (const spec of SERVED_MODELS) {
    const speed = await batchSpeed(url, spec, server.child.pid as number)
    batch.push(speed)
    process.stdout.write(
      `http batch ${speed.endpoint.padEnd(34)} ${Math.round(speed.rowsPerSecond / 1000)} k rows/s (${Math.round(speed.rowsPerServerCpuSecond / 1000)} k per server CPU second)  p50 ${speed.p50Ms} ms  (${batchRows} rows/request, ${speed.failures} failures)\n`,
    )
  }
} finally {
  server.child.kill('SIGTERM')
}

const results = {
  benchmark: 'api',
  date: new Date().toISOString(),
  machine: { ...machine, loadAverageAtEnd: os.loadavg().map((n) => Number(n.toFixed(2))) },
  modelsDir,
  settings: { durationSeconds: duration, connections, batchRows },
  targets: { requestsPerSecond: 10_000, p99Ms: 5, evaluatorRowsPerSecond: 1_000_000 },
  evaluator,
  single,
  batch,
}
const file = path.join('bench', 'results', `api-${results.date.slice(0, 10)}.json`)
mkdirSync(path.dirname(file), { recursive: true })
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
process.stdout.write(`\nWritten to ${file}\n`)
