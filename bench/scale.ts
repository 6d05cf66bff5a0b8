// `npm run bench:scale` — how the pipeline's cost grows with the data: at each size, a generated data set is
// produced into Kafka, consumed into batch files and trained on, each stage by the `traffic` command in a process of
// its own. Per stage: wall time, rows/s, µs per row, and the peak resident memory (VmHWM) of the stage's process and
// of the Kafka and Spark servers. Each size gets fresh engines (a state folder of its own), so their peaks belong to
// that size; they listen on the configured ports (KAFKA_PORT, KAFKA_CONTROLLER_PORT, SPARK_CONNECT_PORT), which must
// be free. Prints a table, writes bench/results/scale-<date>.json and the plot docs/images/scale-cost-per-row.svg.
// Flags: `npm run bench:scale -- --help`.
import { spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig } from '../src/config.ts'
import { startEngines, stopEngines } from '../src/engines/lifecycle.ts'
import { benchArgs } from './args.ts'
import { costPerRowSvg } from './scale-plot.ts'

const args = benchArgs(
  'npm run bench:scale --',
  'Produce, consume and train at growing sizes: cost per row and peak memory.',
  {
    sizes: {
      type: 'string',
      default: '0.3,1.2,4.8',
      description: 'data set sizes in millions of rows, comma-separated',
    },
    plot: {
      type: 'string',
      default: path.join('docs', 'images', 'scale-cost-per-row.svg'),
      description: 'where the cost-per-row SVG goes',
    },
    from: { type: 'string', description: "only redraw the plot from an earlier run's results file" },
  },
)

const STAGES = ['produce', 'consume', 'train'] as const
type Stage = (typeof STAGES)[number]
/** The consumer stops after this long without messages; that wait is not work and is taken off its time. */
const IDLE_TIMEOUT_SECONDS = 3
const POLL_MS = 200
const TRAFFIC = path.resolve('bin', 'traffic.js')

function parseSizes(raw: string): number[] {
  const sizes = raw.split(',').map((part) => Math.round(Number(part) * 1e6))
  if (sizes.some((rows) => !Number.isSafeInteger(rows) || rows < 1000)) {
    throw new Error(`--sizes must be millions of rows, each at least 0.001, e.g. 0.3,1.2 (got ${raw})`)
  }
  return sizes
}

/** Peak resident memory of a running process in MiB (VmHWM), or undefined once it has exited. */
function peakMiB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const kib = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1]
    return kib === undefined ? undefined : Math.round(Number(kib) / 1024)
  } catch {
    return undefined
  }
}

/** Runs `traffic <args>` to completion; its wall time and its peak memory, read until it exits. */
async function runTraffic(
  commandArgs: string[],
  env: NodeJS.ProcessEnv,
  log: string,
): Promise<{ seconds: number; peakMiB: number }> {
  const began = performance.now()
  const child = spawn(process.execPath, [TRAFFIC, ...commandArgs], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: Buffer[] = []
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk))
  let peak = 0
  const poll = setInterval(() => {
    peak = Math.max(peak, peakMiB(child.pid as number) ?? 0)
  }, POLL_MS)
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', resolve)
  }).finally(() => clearInterval(poll))
  writeFileSync(log, Buffer.concat(output))
  if (code !== 0) throw new Error(`traffic ${commandArgs[0]} exited with ${code}; its output is in ${log}`)
  return { seconds: (performance.now() - began) / 1000, peakMiB: peak }
}

interface StageResult {
  seconds: number
  rowsPerSecond: number
  microsecondsPerRow: number
  /** Peak memory (MiB) of the stage's own process. */
  peakMiB: number
  /** Peak memory (MiB) of the engines since they started for this size, read when the stage ended. */
  kafkaPeakMiB: number | undefined
  sparkPeakMiB: number | undefined
}

async function measureSize(rows: number, work: string): Promise<Record<Stage, StageResult>> {
  const dir = path.join(work, String(rows))
  const stateDir = path.join(dir, 'state')
  const files = {
    csv: path.join(dir, 'traffic.csv'),
    batches: path.join(dir, 'batches'),
    models: path.join(dir, 'models'),
  }
  mkdirSync(dir, { recursive: true })
  const env = { ...process.env, TRAFFIC_STATE_DIR: stateDir }
  const config = loadConfig({ stateDir })
  const topic = `scale_${rows}`
  await runTraffic(
    ['generate', '--rows', String(rows), '--out', files.csv],
    env,
    path.join(dir, 'generate.log'),
  )
  const engines = await startEngines(config)
  const pidOf = (name: string) => engines.find((engine) => engine.name.startsWith(name))?.pid
  const [kafkaPid, sparkPid] = [pidOf('Kafka'), pidOf('Spark')]
  try {
    const commands: Record<Stage, string[]> = {
      produce: ['produce', '--file', files.csv, '--topic', topic],
      consume: [
        'consume',
        '--out',
        files.batches,
        '--topic',
        topic,
        '--idle-timeout',
        String(IDLE_TIMEOUT_SECONDS),
      ],
      train: ['train', '--batches', files.batches, '--topic', topic, '--models', files.models],
    }
    const results = {} as Record<Stage, StageResult>
    for (const stage of STAGES) {
      const run = await runTraffic(commands[stage], env, path.join(dir, `${stage}.log`))
      const seconds = run.seconds - (stage === 'consume' ? IDLE_TIMEOUT_SECONDS : 0)
      results[stage] = {
        seconds: Math.round(seconds * 10) / 10,
        rowsPerSecond: Math.round(rows / seconds),
        microsecondsPerRow: Math.round((seconds * 1e6) / rows),
        peakMiB: run.peakMiB,
        kafkaPeakMiB: kafkaPid === undefined ? undefined : peakMiB(kafkaPid),
        sparkPeakMiB: sparkPid === undefined ? undefined : peakMiB(sparkPid),
      }
      process.stdout.write(`${rows} rows · ${stage}: ${JSON.stringify(results[stage])}\n`)
    }
    return results
  } finally {
    await stopEngines(config)
  }
}

function table(results: readonly SizeResult[]): string {
  const lines = results.flatMap(({ rows, stages }) =>
    STAGES.map((stage) => {
      const r = stages[stage]
      return `| ${rows.toLocaleString('en-US')} | ${stage} | ${r.seconds} | ${r.rowsPerSecond.toLocaleString('en-US')} | ${r.microsecondsPerRow} | ${r.peakMiB} | ${r.kafkaPeakMiB ?? '–'} | ${r.sparkPeakMiB ?? '–'} |`
    }),
  )
  return [
    '| rows | stage | s | rows/s | µs/row | process peak MiB | Kafka peak MiB | Spark peak MiB |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...lines,
  ].join('\n')
}

interface SizeResult {
  rows: number
  stages: Record<Stage, StageResult>
}

interface ScaleRun {
  date: string
  machine: { cpus: number; memoryGiB: number; loadAverage: number[] }
  results: SizeResult[]
}

function drawPlot(run: ScaleRun): void {
  const series = STAGES.map((stage) => ({
    label: stage,
    points: run.results.map(({ rows, stages }) => [rows, stages[stage].microsecondsPerRow] as const),
  }))
  const load = run.machine.loadAverage[0]?.toFixed(1)
  const title = `Cost per row, ${run.date.slice(0, 10)}, ${run.machine.cpus} cores, load average ${load}`
  mkdirSync(path.dirname(args.plot), { recursive: true })
  writeFileSync(args.plot, costPerRowSvg(title, series))
}

async function measure(): Promise<void> {
  const sizes = parseSizes(args.sizes)
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'))
  try {
    const results: SizeResult[] = []
    for (const rows of sizes) results.push({ rows, stages: await measureSize(rows, work) })
    const machine = {
      cpus: os.cpus().length,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      loadAverage: os.loadavg(),
    }
    const run: ScaleRun = { date: new Date().toISOString(), machine, results }
    const out = path.join('bench', 'results', `scale-${run.date.slice(0, 10)}.json`)
    mkdirSync(path.dirname(out), { recursive: true })
    writeFileSync(out, `${JSON.stringify(run, null, 2)}\n`)
    drawPlot(run)
    process.stdout.write(`\n${table(results)}\n\nwritten to ${out} and ${args.plot}\n`)
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}

if (args.from) drawPlot(JSON.parse(readFileSync(args.from, 'utf8')) as ScaleRun)
else await measure()
