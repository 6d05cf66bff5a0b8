// Racing real processes for the models lock: exactly one of them may win, over no lock and over a lock whose
// holder was SIGKILLed (a stale lock, the case where a read-decide-delete takeover lets two runs in).
import assert from 'node:assert/strict'
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process'
import { once } from 'node:events'
import path from 'node:path'
import { createInterface } from 'node:readline'

const RACER = path.resolve(import.meta.dirname, 'fixtures/race-models-lock.ts')

interface Racer {
  child: ChildProcessWithoutNullStreams
  next(): Promise<string>
}

function startRacer(location: string, env: NodeJS.ProcessEnv): Racer {
  const child = spawn(process.execPath, ['--import', 'tsx', RACER, location], {
    env: { ...process.env, ...env },
  })
  child.stderr.pipe(process.stderr)
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  return {
    child,
    async next() {
      const { value, done } = await lines.next()
      return done ? `exited (${child.exitCode ?? child.signalCode})` : value
    },
  }
}

/** Starts `count` racers, lets them go at once, and returns how many won; the winners then release. */
export async function race(location: string, count: number, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const racers = Array.from({ length: count }, () => startRacer(location, env))
  for (const racer of racers) assert.equal(await racer.next(), 'ready')
  for (const racer of racers) racer.child.stdin.write('go\n')
  const outcomes = await Promise.all(racers.map((racer) => racer.next()))
  for (const outcome of outcomes) assert.match(outcome, /^(won|refused)$/)
  for (const racer of racers) racer.child.stdin.end()
  await Promise.all(racers.map((racer) => racer.child.exitCode ?? once(racer.child, 'exit')))
  return outcomes.filter((outcome) => outcome === 'won').length
}

/** Leaves a stale lock: a racer wins alone, then is SIGKILLed while it holds the lock. */
export async function leaveStaleLock(location: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const holder = startRacer(location, env)
  assert.equal(await holder.next(), 'ready')
  holder.child.stdin.write('go\n')
  assert.equal(await holder.next(), 'won')
  holder.child.kill('SIGKILL')
  await once(holder.child, 'exit')
}
