// `npm test`: starts the real local engines (unless already running or pointed elsewhere), runs every test
// file with node's test runner, then stops what it started. Arguments narrow the files: `npm test -- test/schema`.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { formatStatus } from '../src/cli/engines.ts'
import { loadConfig } from '../src/config.ts'
import { engineStatuses, startEngines, stopEngines } from '../src/engines/lifecycle.ts'
import { describeError } from '../src/errors.ts'

function testFiles(root: string): string[] {
  if (statSync(root).isFile()) return [root]
  return readdirSync(root, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(root, entry.name)
    if (entry.isDirectory()) return testFiles(full)
    return entry.name.endsWith('.test.ts') ? [full] : []
  })
}

function runNodeTests(files: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
      { stdio: 'inherit' },
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

const config = loadConfig()
const roots = process.argv.slice(2)
const files = (roots.length ? roots : ['test']).flatMap(testFiles).sort()

const before = await engineStatuses(config)
const wereRunning = new Set(before.filter((s) => s.pid !== undefined).map((s) => s.name))
let exitCode = 1
try {
  ensureChromium()
  process.stdout.write('Starting the real engines for the tests…\n')
  for (const status of await startEngines(config)) process.stdout.write(`${formatStatus(status)}\n`)
  exitCode = await runNodeTests(files)
} catch (error) {
  process.stderr.write(`✖ could not prepare what the tests need: ${describeError(error)}\n`)
} finally {
  // Stop only what this run started; a developer's own running engines are left alone.
  for (const status of await stopEngines(config, wereRunning))
    process.stdout.write(`${formatStatus(status)}\n`)
}
process.exit(exitCode)
