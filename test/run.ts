// `npm test`: starts the real local engines (unless already running or pointed elsewhere), runs every test
// file with node's test runner, then stops what it started; the local cluster's tests run last, on their own
// (test/tiers.ts). Arguments narrow the files or folders: `npm test -- test/stream`.
// `--unit` (`npm run test:unit`): only the files that need no engine or browser (test/tiers.ts), in parallel,
// with no engine started; Kafka and Spark point at sentinel ports, so a unit test that reaches one fails the run.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { type AddressInfo, createServer } from 'node:net'
import { availableParallelism, tmpdir } from 'node:os'
import path from 'node:path'
import { formatStatus } from '../src/cli/engines.ts'
import { loadConfig } from '../src/config.ts'
import { engineStatuses, startEngines, stopEngines } from '../src/engines/lifecycle.ts'
import { describeError } from '../src/errors.ts'

import { engineReason, runsAlone, runsLast, testFiles } from './tiers.ts'

/**
 * Test files sharing the engines run two at a time: most of a file's time is spent waiting on the engines or on
 * processes it started, so a second file fills the gaps; more would only queue on the same two Spark cores.
 */
const SHARED_CONCURRENCY = 2

function runNodeTests(files: string[], concurrency: number, env = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files],
      { stdio: 'inherit', env },
    )
    child.on('close', (code) => resolve(code ?? 1))
  })
}

/**
 * The browser tests drive Debian's Chromium (never a downloaded browser). On a fresh Debian/Ubuntu machine
 * where we are root, install it; elsewhere say exactly what to do.
 */
function ensureChromium(): void {
  const browser = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
  if (existsSync(browser)) return
  const isRoot = process.getuid?.() === 0
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    throw new Error(
      `the browser tests need Chromium at ${browser}: install it (\`sudo apt-get install -y chromium\`) ` +
        'or set CHROMIUM_PATH to a Chromium binary',
    )
  }
  process.stdout.write('Installing Debian Chromium for the browser tests (once)…\n')
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', 'chromium'],
  ]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit' })
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed`)
  }
}

/**
 * A loopback port standing where Kafka or Spark would be: a bare connect (an engine status probe) is fine,
 * but a client that sends a request there is a unit test reaching an engine.
 */
async function sentinel(engine: string, reached: Set<string>): Promise<{ port: number; close: () => void }> {
  const server = createServer((socket) => {
    socket.once('data', () => {
      reached.add(engine)
      socket.destroy()
    })
    socket.on('error', () => {})
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: (server.address() as AddressInfo).port, close: () => server.close() }
}

async function runUnitTests(files: string[]): Promise<number> {
  const reached = new Set<string>()
  const kafka = await sentinel('Kafka', reached)
  const spark = await sentinel('Spark Connect', reached)
  const stateDir = mkdtempSync(path.join(tmpdir(), 'traffic-unit-state-'))
  try {
    // The local engines' settings point at the sentinels and an empty state folder; no external cluster.
    const { KAFKA_BROKERS, SPARK_REMOTE, ...env } = process.env
    const code = await runNodeTests(files, availableParallelism(), {
      ...env,
      TRAFFIC_STATE_DIR: stateDir,
      KAFKA_PORT: String(kafka.port),
      SPARK_CONNECT_PORT: String(spark.port),
    })
    if (reached.size === 0) return code
    process.stderr.write(
      `✖ a unit test sent requests to ${[...reached].join(' and ')}: a test that needs an engine must be ` +
        'named *.integration.test.ts (the tiers are decided in test/tiers.ts)\n',
    )
    return 1
  } finally {
    kafka.close()
    spark.close()
    rmSync(stateDir, { recursive: true, force: true })
  }
}

/**
 * Starts the single-node engines, runs the files that share them two at a time, then those that run alone —
 * beside `besideAlone` when given (it starts as the files running alone do).
 */
async function runWithEngines(files: string[], besideAlone?: () => Promise<number>): Promise<number> {
  const config = loadConfig()
  const before = await engineStatuses(config)
  const wereRunning = new Set(before.filter((s) => s.pid !== undefined).map((s) => s.name))
  try {
    ensureChromium()
    process.stdout.write('Starting the real engines for the tests…\n')
    for (const status of await startEngines(config)) process.stdout.write(`${formatStatus(status)}\n`)
    const alone = files.filter((file) => runsAlone(file) !== undefined)
    const shared = files.filter((file) => runsAlone(file) === undefined)
    const sharedCode = shared.length ? await runNodeTests(shared, SHARED_CONCURRENCY) : 0
    const [aloneCode, besideCode] = await Promise.all([
      alone.length ? runNodeTests(alone, 1) : 0,
      besideAlone?.() ?? 0,
    ])
    return sharedCode || aloneCode || besideCode
  } catch (error) {
    process.stderr.write(`✖ could not prepare what the tests need: ${describeError(error)}\n`)
    return 1
  } finally {
    // Stop only what this run started; a developer's own running engines are left alone.
    for (const status of await stopEngines(config, wereRunning))
      process.stdout.write(`${formatStatus(status)}\n`)
  }
}

/**
 * The single-node tiers, and the cluster's (its own engines, on ports of their own) beside the files that run
 * alone: those mostly wait on stalled or restarting engines, which leaves the cores to the cluster's start.
 */
async function runAllTests(files: string[]): Promise<number> {
  const last = files.filter(runsLast)
  const first = files.filter((file) => !runsLast(file))
  const cluster = last.length ? () => runNodeTests(last, 1) : undefined
  if (!first.length) return (await cluster?.()) ?? 0
  return runWithEngines(first, cluster)
}

const unit = process.argv.includes('--unit')
const roots = process.argv.slice(2).filter((arg) => arg !== '--unit')
const files = (roots.length ? roots : ['test']).flatMap(testFiles).sort()
if (!unit) process.exit(await runAllTests(files))
const unitFiles = files.filter((file) => engineReason(file) === undefined)
process.stdout.write(`Unit tier: ${unitFiles.length} of ${files.length} test files (no engine, no browser)\n`)
// With no file named, node --test would look for test files itself, integration ones included.
process.exit(unitFiles.length ? await runUnitTests(unitFiles) : 0)
