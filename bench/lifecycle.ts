// `npm run bench:lifecycle` — the model lifecycle on this machine, two scenarios:
// - drift: the time from a drift's onset in the live feed to the API serving the promoted challenger, with each
//   phase (bench/drift-to-serving.ts);
// - swaps: zero-downtime promotion, latency and failures under load during 5 promotions and a rollback
//   (bench/zero-downtime-swaps.ts).
// Writes the figures to bench/results/lifecycle-<date>.json. `--help` lists the options.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config.ts'
import { CITIES, type City } from '../src/contract/columns.ts'
import { startEngines, stopEngines } from '../src/engines/lifecycle.ts'
import { DEFAULT_PARAMS } from '../src/training/train.ts'
import { benchArgs, positiveNumber, wholeNumber } from './args.ts'
import { driftToServing } from './drift-to-serving.ts'
import { zeroDowntimeSwaps } from './zero-downtime-swaps.ts'

const args = benchArgs(
  'npm run bench:lifecycle --',
  'The model lifecycle: drift onset → promoted model served, and zero-downtime swaps. The other lifecycle ' +
    'settings come from the environment (TRAFFIC_DRIFT_*, TRAFFIC_PROMOTE_*, …, see README).',
  {
    scenarios: { type: 'string', default: 'drift,swaps', description: 'drift and/or swaps, comma-separated' },
    city: { type: 'string', default: 'Neuroburg', description: `the drifting city (${CITIES.join(', ')})` },
    rows: { type: 'string', default: '30000', description: 'drift: normal rows the champion is trained on' },
    'batch-rows': {
      type: 'string',
      default: '10000',
      description: 'drift: rows per batch file of the following consumer (10000: 20 s of the feed)',
    },
    'retrain-rows': {
      type: 'string',
      default: '30000',
      description: 'drift: new batch rows that trigger a challenger',
    },
    'window-rows': {
      type: 'string',
      default: '30000',
      description: 'drift: rows the challenger trains on, newest first (30000: the drifted rows)',
    },
    clock: {
      type: 'string',
      default: '36000',
      description:
        'drift: simulated seconds per real second of the feed, so a window spans every hour of the day (the rate is LIVE_RATE’s)',
    },
    timeout: {
      type: 'string',
      default: '900',
      description: 'drift: seconds from the onset to give up on a promotion',
    },
    models: {
      type: 'string',
      description:
        "swaps: trained models to copy as versions (default: the drift scenario's, else TRAFFIC_MODELS)",
    },
    rate: { type: 'string', default: '200', description: 'swaps: steady load, requests/s' },
    connections: { type: 'string', default: '8', description: 'swaps: connections of the load' },
    baseline: { type: 'string', default: '10', description: 'swaps: seconds of load before the swaps' },
    interval: { type: 'string', default: '3', description: 'swaps: seconds between swaps' },
    settle: { type: 'string', default: '1000', description: 'swaps: ms after a swap is served' },
  },
)

const scenarios = args.scenarios.split(',')
for (const scenario of scenarios) {
  if (scenario !== 'drift' && scenario !== 'swaps') {
    throw new Error(`--scenarios lists drift and/or swaps, got "${scenario}"`)
  }
}
if (!CITIES.includes(args.city as City)) throw new Error(`--city must be one of ${CITIES.join(', ')}`)
// Every number is checked before an engine starts: a bad flag must not leave engines running.
const drift = {
  clock: wholeNumber('clock', args.clock),
  batchRows: wholeNumber('batch-rows', args['batch-rows']),
  retrainRows: wholeNumber('retrain-rows', args['retrain-rows']),
  windowRows: wholeNumber('window-rows', args['window-rows']),
  rows: wholeNumber('rows', args.rows),
  timeoutS: wholeNumber('timeout', args.timeout),
}
const swaps = {
  rate: wholeNumber('rate', args.rate),
  connections: wholeNumber('connections', args.connections),
  baselineMs: positiveNumber('baseline', args.baseline, true) * 1000,
  intervalMs: positiveNumber('interval', args.interval, true) * 1000,
  settleMs: positiveNumber('settle', args.settle, true),
}

const loadAverage = () => os.loadavg().map((n) => Number(n.toFixed(2)))
const results: Record<string, unknown> = {
  benchmark: 'lifecycle',
  date: new Date().toISOString(),
  machine: {
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model,
    node: process.version,
    loadAverageAtStart: loadAverage(),
  },
}
const work = mkdtempSync(path.join(os.tmpdir(), 'bench-lifecycle-'))
try {
  let trained: string | undefined
  if (scenarios.includes('drift')) {
    const base = loadConfig({ liveClock: drift.clock })
    const config = {
      ...base,
      consume: { batchRows: drift.batchRows },
      lifecycle: { ...base.lifecycle, minNewRows: drift.retrainRows, windowRows: drift.windowRows },
    }
    const engines = await startEngines(config)
    try {
      const measured = await driftToServing({
        config,
        rows: drift.rows,
        city: args.city as City,
        params: DEFAULT_PARAMS,
        timeoutMs: drift.timeoutS * 1000,
        work,
      })
      results.driftToServing = measured
      trained = path.join(work, 'models')
      const { promoted } = measured
      process.stdout.write(
        promoted
          ? `\ndrift → serving: ${promoted.driftToServingS} s (${promoted.version}); until the trigger ` +
              `${promoted.phases.untilTriggerS} s (${promoted.phases.rowsUntilTrigger.toLocaleString('en')} rows ` +
              `sent), training ${promoted.phases.trainingS} s, saving + comparison ` +
              `${promoted.phases.saveAndCompareS} s, swap ${promoted.phases.swapS} s\n`
          : `\ndrift → serving: no challenger promoted within ${args.timeout} s (${measured.rounds.length} round(s))\n`,
      )
    } finally {
      const started = engines.filter((e) => e.action === 'started').map((e) => e.name)
      const keep = new Set(engines.map((e) => e.name).filter((name) => !started.includes(name)))
      if (started.length) await stopEngines(config, keep)
    }
  }
  if (scenarios.includes('swaps')) {
    const source = path.resolve(args.models ?? trained ?? loadConfig().paths.models)
    if (!existsSync(source)) {
      throw new Error(`--models: no trained models at ${source} (train some, or run --scenarios drift first)`)
    }
    results.zeroDowntime = await zeroDowntimeSwaps({ source: realpathSync(source), ...swaps })
  }
  ;(results.machine as Record<string, unknown>).loadAverageAtEnd = loadAverage()
  const file = path.join('bench', 'results', `lifecycle-${String(results.date).slice(0, 10)}.json`)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  process.stdout.write(`Written to ${file}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
