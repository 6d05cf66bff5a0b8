// `npm test`: starts the real local engines (unless already running or pointed elsewhere), runs every test
// file with node's test runner, then stops what it started. Arguments narrow the files: `npm test -- test/schema`.
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
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

const config = loadConfig()
const roots = process.argv.slice(2)
const files = (roots.length ? roots : ['test']).flatMap(testFiles).sort()

const before = await engineStatuses(config)
const wereRunning = new Set(before.filter((s) => s.pid !== undefined).map((s) => s.name))
let exitCode = 1
try {
  process.stdout.write('Starting the real engines for the tests…\n')
  for (const status of await startEngines(config)) process.stdout.write(`${formatStatus(status)}\n`)
  exitCode = await runNodeTests(files)
} catch (error) {
  process.stderr.write(`✖ could not start the engines the tests need: ${describeError(error)}\n`)
} finally {
  // Stop only what this run started; a developer's own running engines are left alone.
  for (const status of await stopEngines(config, wereRunning))
    process.stdout.write(`${formatStatus(status)}\n`)
}
process.exit(exitCode)
