// The models folder is replaced as a whole, never edited in place: training writes into a new sibling
// folder, and only a complete result is swapped in by rename. A failed run leaves the old models untouched.
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../errors.ts'

/** A new, empty sibling of `modelsDir` to write a complete result into. */
export async function createStaging(modelsDir: string): Promise<string> {
  const parent = path.dirname(modelsDir)
  try {
    await mkdir(parent, { recursive: true })
    return await mkdtemp(path.join(parent, `.${path.basename(modelsDir)}.new-`))
  } catch (error) {
    throw new TrafficError('IO_ERROR', `Cannot create a folder next to ${modelsDir}: ${String(error)}`, {
      cause: error,
    })
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  )
}

/** Puts `staging` in place of `modelsDir`; the previous folder is removed only once the new one is there. */
export async function publish(staging: string, modelsDir: string): Promise<void> {
  const previous = `${staging}.old`
  const hadPrevious = await exists(modelsDir)
  if (hadPrevious) await rename(modelsDir, previous)
  try {
    await rename(staging, modelsDir)
  } catch (error) {
    if (hadPrevious) await rename(previous, modelsDir)
    throw new TrafficError('IO_ERROR', `Cannot move the new models into ${modelsDir}: ${String(error)}`, {
      cause: error,
    })
  }
  if (hadPrevious) await rm(previous, { recursive: true, force: true })
}

export async function discard(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true })
}
