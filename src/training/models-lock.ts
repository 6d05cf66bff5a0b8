// One `traffic train` (or `traffic up --fresh`) at a time per models folder: a lease lock (storage/lease-lock.ts)
// in the folder that holds the versions, naming its holder by host, PID and process start time, so a lock left
// by a killed run is recognised and taken over — by exactly one of the runs that race for it.
import { TrafficError } from '../errors.ts'
import { FolderStore } from '../storage/folder-store.ts'
import { acquireLease, type LeaseHolder } from '../storage/lease-lock.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { versionsDir } from './models-folder.ts'

export interface ModelsLock {
  release(): Promise<void>
}

const LOCK_NAME = '.train.lock'
/** Longer than any training: only a holder on another host (its PID cannot be checked) is judged by it. */
const LOCK_TTL_MS = 12 * 60 * 60 * 1000

function refusal(where: string, lock: string, holder: Partial<LeaseHolder>): TrafficError {
  return new TrafficError(
    'TRAINING_RUNNING',
    `Another \`traffic train\` (pid ${holder.pid ?? '?'} on ${holder.host ?? '?'}, since ${holder.since ?? '?'}) is writing ${where}`,
    {
      hint: `wait for it to finish or stop it; if no training runs any more, delete ${lock}`,
      canRetry: true,
    },
  )
}

/** Takes the training lock kept in `store` for the models at `where`, or fails naming the run that holds it. */
export async function lockModelsIn(store: ObjectStore, where: string): Promise<ModelsLock> {
  const result = await acquireLease(store, LOCK_NAME, LOCK_TTL_MS)
  if (!result.held) throw refusal(where, `${store.location}/${LOCK_NAME}`, result.holder)
  return { release: result.release }
}

/** Takes the training lock of the models folder `modelsDir`, or fails with TRAINING_RUNNING. */
export function lockModels(modelsDir: string): Promise<ModelsLock> {
  return lockModelsIn(new FolderStore(versionsDir(modelsDir)), modelsDir)
}
