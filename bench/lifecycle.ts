// `npm run bench:lifecycle` — the model lifecycle on this machine, two scenarios:
// - drift: the time from a drift's onset in the live feed to the API serving the promoted challenger, with each
//   phase (bench/drift-to-serving.ts);
// - swaps: zero-downtime promotion, latency and failures under load during 5 promotions and a rollback
//   (bench/zero-downtime-swaps.ts).
// Writes the figures to bench/results/lifecycle-<date>.json. `--help` lists the options.
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { loadConfig } from '../src/config.ts'
import { CITIES, type City } from '../src/contract/columns.ts'
import { startEngines, stopEngines } from '../src/engines/lifecycle.ts'
import { DEFAULT_PARAMS } from '../src/training/train.ts'
import { driftToServing } from './drift-to-serving.ts'
import { zeroDowntimeSwaps } from './zero-downtime-swaps.ts'

const HELP = `npm run bench:lifecycle -- [options]

  --scenarios <list>     drift,swaps (default both, drift first)

drift → serving (real engines: started here unless running; a fresh topic and folders):
  --city <City>          the drifting city (default Neuroburg; ${CITIES.join(', ')})
  --rows <n>             normal rows the champion is trained on (default 30000)
  --batch-rows <n>       rows per batch file of the following consumer (default 10000: 20 s of the feed)
  --retrain-rows <n>     new batch rows that trigger a challenger (default 30000)
  --window-rows <n>      rows the challenger trains on, newest first (default 30000: the drifted rows)
  --clock <n>            simulated seconds per real second of the feed (default 36000, so a window spans every
                         hour of the day: at the default 360 it would hold a few hours); the rate is LIVE_RATE's
  --timeout <s>          give up waiting for a promotion after this long from the onset (default 900)
  The other lifecycle settings come from the environment (TRAFFIC_DRIFT_*, TRAFFIC_PROMOTE_*, …, see README).

zero-downtime swaps:
  --models <dir>         trained models to copy as versions (default: the drift scenario's, else TRAFFIC_MODELS)
  --rate <req/s>         steady load (default 200)       --connections <n>  (default 8)
  --baseline <s>         quiet stretch before the swaps (default 10)
  --interval <s>         between swaps (default 3)       --settle <ms>      after a swap is served (default 1000)
`

const { values: args } = parseArgs({
  options: {
    help: { type: 'boolean' },
    scenarios: { type: 'string', default: 'drift,swaps' },
    city: { type: 'string', default: 'Neuroburg' },
    rows: { type: 'string', default: '30000' },
    'batch-rows': { type: 'string', default: '10000' },
    'retrain-rows': { type: 'string', default: '30000' },
    'window-rows': { type: 'string', default: '30000' },
    clock: { type: 'string', default: '36000' },
    timeout: { type: 'string', default: '900' },
    models: { type: 'string' },
    rate: { type: 'string', default: '200' },
    baseline: { type: 'string', default: '10' },
    interval: { type: 'string', default: '3' },
    settle: { type: 'string', default: '1000' },
    connections: { type: 'string', default: '8' },
  },
})
if (args.help) {
  process.stdout.write(HELP)
  process.exit(0)
}

function positive(flag: string, raw: string): number {
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${flag} must be a whole number ≥ 1, got "${raw}"`)
  return value
}

const scenarios = args.scenarios.split(',')
for (const scenario of scenarios) {
  if (scenario !== 'drift' && scenario !== 'swaps') {
    throw new Error(`--scenarios lists drift and/or swaps, got "${scenario}"`)
  }
}
if (!CITIES.includes(args.city as City)) throw new Error(`--city must be one of ${CITIES.join(', ')}`)

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
    const base = loadConfig({ liveClock: positive('clock', args.clock) })
    const config = {
      ...base,
      consume: { batchRows: positive('batch-rows', args['batch-rows']) },
      lifecycle: {
        ...base.lifecycle,
        minNewRows: positive('retrain-rows', args['retrain-rows']),
        windowRows: positive('window-rows', args['window-rows']),
      },
    }
    const engines = await startEngines(config)
    try {
      const drift = await driftToServing({
        config,
        rows: positive('rows', args.rows),
        city: args.city as City,
        params: DEFAULT_PARAMS,
        timeoutMs: positive('timeout', args.timeout) * 1000,
        work,
      })
      results.driftToServing = drift
      trained = path.join(work, 'models')
      const { promoted } = drift
      process.stdout.write(
        promoted
          ? `\ndrift → serving: ${promoted.driftToServingS} s (${promoted.version}); until the trigger ` +
              `${promoted.phases.untilTriggerS} s (${promoted.phases.rowsUntilTrigger.toLocaleString('en')} rows ` +
              `sent), training ${promoted.phases.trainingS} s, saving + comparison ` +
              `${promoted.phases.saveAndCompareS} s, swap ${promoted.phases.swapS} s\n`
          : `\ndrift → serving: no challenger promoted within ${args.timeout} s (${drift.rounds.length} round(s))\n`,
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
    results.zeroDowntime = await zeroDowntimeSwaps({
      source: realpathSync(source),
      rate: positive('rate', args.rate),
      connections: positive('connections', args.connections),
      baselineMs: Number(args.baseline) * 1000,
      intervalMs: Number(args.interval) * 1000,
      settleMs: Number(args.settle),
    })
  }
  ;(results.machine as Record<string, unknown>).loadAverageAtEnd = loadAverage()
  const file = path.join('bench', 'results', `lifecycle-${String(results.date).slice(0, 10)}.json`)
  mkdirSync(path.dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`)
  process.stdout.write(`Written to ${file}\n`)
} finally {
  rmSync(work, { recursive: true, force: true })
}
