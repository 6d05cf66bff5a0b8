// One `traffic train` at a time per models folder. The lock is a file created exclusively, naming its holder by
// host, PID and process start time, so a lock left by a killed run is recognised as stale and taken over.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import path from 'node:path'
import { ownership, type ProcessRecord, recordOf } from '../engines/process-identity.ts'
import { TrafficError } from '../errors.ts'
import { versionsDir } from './models-folder.ts'

interface LockHolder extends ProcessRecord {
  host: string
  since: string
}

export interface ModelsLock {
  release(): Promise<void>
}

function lockFile(modelsDir: string): string {
  return path.join(versionsDir(modelsDir), '.train.lock')
}

/** The lock's holder; {} when unreadable (e.g. being written right now); undefined when there is no lock. */
async function readHolder(file: string): Promise<Partial<LockHolder> | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return undefined
  }
  try {
    return JSON.parse(text) as Partial<LockHolder>
  } catch {
    return {}
  }
}

/** True when the holder may still be training: alive here, or unknown, or on another host we cannot check. */
async function mayStillHold(holder: Partial<LockHolder>): Promise<boolean> {
  if (holder.host !== hostname()) return true
  if (!Number.isInteger(holder.pid) || typeof holder.started !== 'string') return true
  const state = await ownership({ pid: holder.pid as number, started: holder.started })
  return state === 'ours' || state === 'unverifiable'
}

function refusal(modelsDir: string, file: string, holder: Partial<LockHolder>): TrafficError {
  return new TrafficError(
    'TRAINING_RUNNING',
    `Another \`traffic train\` (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}, since ${holder.since ?? '?'}) is writing ${modelsDir}`,
    {
      hint: `wait for it to finish or stop it; if no training runs any more, delete ${file}`,
      canRetry: true,
    },
  )
}

/** Takes the training lock of `modelsDir`, or fails with TRAINING_RUNNING naming the run that holds it. */
export async function lockModels(modelsDir: string): Promise<ModelsLock> {
  const file = lockFile(modelsDir)
  const self = await recordOf(process.pid)
  const holder: LockHolder = {
    pid: process.pid,
    started: self?.started ?? '',
    host: hostname(),
    since: new Date().toISOString(),
  }
  await mkdir(path.dirname(file), { recursive: true })
  // Two attempts: the second after removing a stale lock.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, `${JSON.stringify(holder)}\n`, { flag: 'wx' })
      return { release: () => rm(file, { force: true }) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new TrafficError('IO_ERROR', `Cannot create ${file}: ${String(error)}`, { cause: error })
      }
    }
    const current = await readHolder(file)
    if (current && (await mayStillHold(current))) throw refusal(modelsDir, file, current)
    await rm(file, { force: true })
  }
  throw refusal(modelsDir, file, (await readHolder(file)) ?? {})
}
