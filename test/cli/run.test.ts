// A finished command exits even when a library left a timer running (its handles would otherwise keep the process
// alive), and keeps its exit code.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'

const RUN = new URL('../../src/cli/run.ts', import.meta.url).href

function runAction(body: string): { status: number | null; stderr: string } {
  const script = `import { action } from '${RUN}'\nawait action(async () => { ${body} })()`
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  return { status: child.status, stderr: child.stderr }
}

test('a finished command exits although a timer is left running', () => {
  const child = runAction('setInterval(() => {}, 1_000)')
  assert.equal(child.status, 0)
})

test('a failed command exits with 1 and its message although a timer is left running', () => {
  const child = runAction("setInterval(() => {}, 1_000); throw new Error('boom')")
  assert.equal(child.status, 1)
  assert.match(child.stderr, /✖ .*boom/)
})
