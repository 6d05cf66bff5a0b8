// A lock on any store that needs only exclusive creates: the lock is the newest of a run of numbered objects
// (`<name>/<epoch>`, zero-padded so a listing is in epoch order). Each names a holder (host, PID, process start
// time, expiry) or says the lock is free. Taking the lock — new, released, or over a holder that died or
// expired — is creating the next epoch: of any number of racers that saw the same newest epoch, exactly one
// creates the next. Epochs are never rewritten, so a replacement that is not atomic on some S3 servers is never
// needed. Old epochs are deleted; a racer that read a stale newest epoch and re-created a deleted one finds a
// newer epoch when it looks again, and withdraws.
import { hostname } from 'node:os'
import { ownership, recordOf } from '../engines/process-identity.ts'
import { compareKeys, type ObjectStore } from './object-store.ts'

export interface LeaseHolder {
  pid: number
  started: string
  host: string
  since: string
  /** After this instant, a holder that cannot be checked by PID (another host) no longer holds the lock. */
  expires: string
}

type LeaseState = LeaseHolder | { free: true; since: string }

export type LeaseResult =
  | { held: true; release(): Promise<void> }
  | { held: false; holder: Partial<LeaseHolder> }

const EPOCH_DIGITS = 12
const ATTEMPTS = 4

function epochKey(name: string, epoch: number): string {
  return `${name}/${String(epoch).padStart(EPOCH_DIGITS, '0')}`
}

function parse(body: Buffer): Partial<LeaseHolder> & { free?: boolean } {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return {} // unreadable: treated as a holder we cannot check
  }
}

/** True when the holder may still be working: alive here, or unverifiable and not expired. */
async function mayStillHold(holder: Partial<LeaseHolder>): Promise<boolean> {
  if (holder.host === hostname() && Number.isInteger(holder.pid) && typeof holder.started === 'string') {
    const state = await ownership({ pid: holder.pid as number, started: holder.started })
    if (state !== 'unverifiable') return state === 'ours'
  }
  const expires = Date.parse(holder.expires ?? '')
  return Number.isNaN(expires) || Date.now() < expires
}

async function newestEpoch(store: ObjectStore, name: string): Promise<{ epoch: number; key?: string }> {
  const key = (await store.list(`${name}/`)).at(-1)
  return { epoch: key ? Number(key.slice(name.length + 1)) : 0, ...(key ? { key } : {}) }
}

/** Deletes the epochs older than `keep` (the state a slow reader may still be looking at stays). */
async function collect(store: ObjectStore, name: string, keep: number): Promise<void> {
  const keepKey = epochKey(name, keep)
  for (const key of await store.list(`${name}/`)) {
    if (compareKeys(key, keepKey) < 0) await store.delete(key)
  }
}

/** Takes the lock `name` in `store` for `ttlMs`, or says who holds it. */
export async function acquireLease(store: ObjectStore, name: string, ttlMs: number): Promise<LeaseResult> {
  const self: LeaseHolder = {
    pid: process.pid,
    started: (await recordOf(process.pid))?.started ?? '',
    host: hostname(),
    since: new Date().toISOString(),
    expires: new Date(Date.now() + ttlMs).toISOString(),
  }
  let holder: Partial<LeaseHolder> = {}
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const newest = await newestEpoch(store, name)
    if (newest.key) {
      const current = await store.get(newest.key)
      if (!current) continue // collected meanwhile: a newer epoch exists
      const state = parse(current.body)
      if (!state.free && (await mayStillHold(state))) return { held: false, holder: state }
      holder = state
    }
    const mine = newest.epoch + 1
    const key = epochKey(name, mine)
    if (!(await store.createIfAbsent(key, JSON.stringify(self)))) continue
    const newer = (await store.list(`${name}/`)).filter((k) => compareKeys(k, key) > 0)
    if (newer.length) {
      await store.delete(key)
      continue
    }
    await collect(store, name, newest.epoch)
    return { held: true, release: () => release(store, name, mine) }
  }
  return { held: false, holder }
}

/** Frees the lock by creating the next epoch; if that exists, another run took the lock over and keeps it. */
async function release(store: ObjectStore, name: string, epoch: number): Promise<void> {
  const free: LeaseState = { free: true, since: new Date().toISOString() }
  if (await store.createIfAbsent(epochKey(name, epoch + 1), JSON.stringify(free))) {
    await collect(store, name, epoch + 1)
  }
}
