import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { after, test } from 'node:test'
import { ownerMark, ownership, recordOf } from '../../src/engines/process-identity.ts'

const children: ChildProcess[] = []
after(() => {
  for (const child of children) child.kill('SIGKILL')
})

/** A harmless `sleep` whose command line holds `argument` (as its argv[0]). */
function sleeper(argument: string): ChildProcess {
  const child = spawn('sleep', ['60'], { argv0: argument, stdio: 'ignore' })
  children.push(child)
  return child
}

test('a process started with our mark is ours, by PID, start time and mark', async () => {
  const mark = ownerMark('/tmp/state/kafka')
  const child = sleeper(mark)
  const record = await recordOf(child.pid as number)
  assert.ok(record)
  assert.equal(await ownership(record, mark), 'ours')
})

test('the same PID with another start time, or without the whole mark, is a stranger', async () => {
  const mark = ownerMark('/tmp/state/kafka')
  const child = sleeper(`${mark}-other`)
  const record = await recordOf(child.pid as number)
  assert.ok(record)
  assert.equal(await ownership(record, mark), 'stranger', 'a longer argument starting with the mark')
  assert.equal(await ownership(record, `${mark}-other`), 'ours')
  assert.equal(await ownership({ ...record, started: '1' }, `${mark}-other`), 'stranger', 'a reused PID')
})

test('an exited process is gone', async () => {
  const mark = ownerMark('/tmp/state/spark')
  const child = sleeper(mark)
  const record = await recordOf(child.pid as number)
  assert.ok(record)
  child.kill('SIGKILL')
  await once(child, 'exit')
  assert.equal(await ownership(record, mark), 'gone')
})
