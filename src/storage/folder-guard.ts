// A short exclusive guard around one file's compare-and-swap in a local folder. The guard is a directory built
// complete under a unique name and then renamed to `<file>~guard`: rename(2) of a directory onto an existing,
// non-empty one fails, so exactly one process holds the guard at a time, and no one ever sees it half-made.
// A guard whose holder died inside its few milliseconds of work is broken by renaming it to a name that only
// that holder's guard can take (`~guard-broken-<its nonce>`, kept): a second breaker that judged the same dead
// guard fails on that name instead of moving the guard a live process made meanwhile.
import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { ownership, recordOf } from '../engines/process-identity.ts'
import { TrafficError } from '../errors.ts'

interface GuardHolder {
  pid: number
  started: string
  host: string
  nonce: string
  since: number
}

/** A guard held on another host cannot be checked by PID; its work takes milliseconds, so this age means dead. */
const FOREIGN_GUARD_DEAD_MS = 30_000
/** How long to wait for a live holder before giving up with an error naming the guard. */
const WAIT_LIMIT_MS = 60_000

const HOLDER_FILE = 'holder.json'

function isBusy(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code
  return code === 'ENOTEMPTY' || code === 'EEXIST'
}

async function readGuardHolder(guard: string): Promise<GuardHolder | undefined> {
  try {
    return JSON.parse(await readFile(`${guard}/${HOLDER_FILE}`, 'utf8')) as GuardHolder
  } catch {
    return undefined // released meanwhile
  }
}

async function abandoned(holder: GuardHolder): Promise<boolean> {
  if (holder.host !== hostname()) return Date.now() - holder.since > FOREIGN_GUARD_DEAD_MS
  const state = await ownership({ pid: holder.pid, started: holder.started })
  return state === 'gone' || state === 'stranger'
}

/** Runs `work` while holding the guard of `file`. */
export async function withFileGuard<T>(file: string, work: () => Promise<T>): Promise<T> {
  const guard = `${file}~guard`
  const nonce = randomBytes(8).toString('hex')
  const staging = `${file}~guard-new-${nonce}`
  const holder: GuardHolder = {
    pid: process.pid,
    started: (await recordOf(process.pid))?.started ?? '',
    host: hostname(),
    nonce,
    since: Date.now(),
  }
  await mkdir(staging, { recursive: true })
  await writeFile(`${staging}/${HOLDER_FILE}`, JSON.stringify(holder))
  const deadline = Date.now() + WAIT_LIMIT_MS
  for (;;) {
    try {
      await rename(staging, guard)
      break
    } catch (error) {
      if (!isBusy(error)) {
        await rm(staging, { recursive: true, force: true })
        throw error
      }
    }
    const current = await readGuardHolder(guard)
    if (current && (await abandoned(current))) {
      await rename(guard, `${file}~guard-broken-${current.nonce}`).catch(() => undefined)
    } else if (Date.now() > deadline) {
      await rm(staging, { recursive: true, force: true })
      throw new TrafficError('STORAGE_ERROR', `${guard} has been held for over ${WAIT_LIMIT_MS / 1000} s`, {
        hint: `if process ${current?.pid ?? '?'} on ${current?.host ?? '?'} no longer runs, delete ${guard}`,
        canRetry: true,
      })
    } else {
      await sleep(2 + Math.random() * 10)
    }
  }
  try {
    return await work()
  } finally {
    const released = `${file}~guard-done-${nonce}`
    await rename(guard, released)
    await rm(released, { recursive: true, force: true })
  }
}
