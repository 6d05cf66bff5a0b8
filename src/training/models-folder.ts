// The models folder is published as a whole, never edited in place. `spark_models_traffic` is a symbolic link to
// one complete version in `spark_models_traffic.versions/<id>`; training writes a new version beside it (a real
// folder, since the Spark server writes the model files there too), then switches the link with one rename(2).
// A reader that resolves the link sees the old version or the new one, never a mix and never nothing. The previous
// version is kept until the next training starts, for readers still holding it. The check of the published
// version and the switch are one step under a short guard (storage/folder-guard.ts): a compare-and-swap.
import { randomBytes } from 'node:crypto'
import {
  lstat,
  mkdir,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  rmdir,
  symlink,
  writeFile,
} from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../errors.ts'
import { withFileGuard } from '../storage/folder-guard.ts'
import { lockModels } from './models-lock.ts'
import type { ModelsStaging, PublishedModels } from './models-publisher.ts'

const PARTIAL = '.partial'

/** The folder that holds the versions (and the training lock), next to the models link. */
export function versionsDir(modelsDir: string): string {
  return `${modelsDir}.versions`
}

/** Sortable by time (trainings take the lock in turn); the random tail keeps two in the same millisecond apart. */
export function newVersionId(): string {
  return `${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`
}

function ioError(what: string, error: unknown): TrafficError {
  return new TrafficError('IO_ERROR', `${what}: ${String(error)}`, { cause: error })
}

/** The version the models link points at, or undefined when there is no link. */
export async function currentVersion(modelsDir: string): Promise<string | undefined> {
  try {
    return path.basename(await readlink(modelsDir))
  } catch {
    return undefined
  }
}

/** The version a staging folder becomes when published. */
function versionOf(staging: string): string {
  return path.basename(staging, PARTIAL)
}

/** A new, empty folder to write a complete set of models into; published by `publish`, or `discard`ed. */
export async function createStaging(modelsDir: string): Promise<string> {
  const staging = path.join(versionsDir(modelsDir), `${newVersionId()}${PARTIAL}`)
  try {
    await mkdir(staging, { recursive: true })
    return staging
  } catch (error) {
    throw ioError(`Cannot create a folder next to ${modelsDir}`, error)
  }
}

/** Points the models link at `version` (a folder name in the versions folder) in one atomic rename. */
async function switchLink(modelsDir: string, version: string): Promise<void> {
  const link = path.join(path.dirname(modelsDir), `.${path.basename(modelsDir)}.link-${version}`)
  await symlink(path.join(path.basename(versionsDir(modelsDir)), version), link)
  try {
    await rename(link, modelsDir)
  } catch (error) {
    await rm(link, { force: true })
    throw error
  }
}

/**
 * A models folder from before versions (or written by another tool, e.g. the seed's PySpark script) becomes the
 * previous version. This one-time move is the only moment the path is briefly absent.
 */
async function adoptPlainFolder(modelsDir: string): Promise<void> {
  const stats = await lstat(modelsDir).catch(() => undefined)
  if (stats?.isDirectory()) await rename(modelsDir, path.join(versionsDir(modelsDir), newVersionId()))
}

/**
 * Makes the complete `staging` folder the current version if `over` (a `currentVersion` result) still is; true
 * when it did. A plain models folder counts as no version, and becomes the previous one.
 */
export async function publish(
  staging: string,
  modelsDir: string,
  over: string | undefined,
): Promise<boolean> {
  try {
    return await withFileGuard(modelsDir, async () => {
      await adoptPlainFolder(modelsDir)
      if ((await currentVersion(modelsDir)) !== over) return false
      const version = versionOf(staging)
      await rename(staging, path.join(versionsDir(modelsDir), version))
      await switchLink(modelsDir, version)
      return true
    })
  } catch (error) {
    if (error instanceof TrafficError) throw error
    throw ioError(`Cannot publish the new models in ${modelsDir}`, error)
  }
}

export async function discard(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true })
}

/**
 * Removes what runs before this one left behind: half-written versions (a train killed before publishing),
 * versions older than the current and the previous one, link files never renamed into place, and the staging
 * folders of older releases (`.<name>.new-*`). Only call it while holding the training lock.
 */
export async function cleanLeftovers(modelsDir: string): Promise<string[]> {
  const current = await currentVersion(modelsDir)
  const versions = versionsDir(modelsDir)
  const names = (await readdir(versions).catch(() => [] as string[])).filter((name) => !name.startsWith('.'))
  const complete = names.filter((name) => !name.endsWith(PARTIAL) && name !== current).sort()
  const previous = complete.at(-1)
  const stale = names
    .filter((name) => name !== current && name !== previous)
    .map((name) => path.join(versions, name))
  const parent = path.dirname(modelsDir)
  const base = path.basename(modelsDir)
  const strays = (await readdir(parent).catch(() => [] as string[]))
    .filter((name) => name.startsWith(`.${base}.link-`) || name.startsWith(`.${base}.new-`))
    .map((name) => path.join(parent, name))
  for (const leftover of [...stale, ...strays]) await rm(leftover, { recursive: true, force: true })
  return [...stale, ...strays]
}

/**
 * Deletes the models: the link and every version (`traffic up --fresh`). The training lock (a dot-name in the
 * versions folder) stays, since the caller holds it; the folder goes when nothing else is left in it.
 */
export async function removeModels(modelsDir: string): Promise<void> {
  await rm(modelsDir, { recursive: true, force: true })
  const versions = versionsDir(modelsDir)
  const names = await readdir(versions).catch(() => [] as string[])
  for (const name of names.filter((n) => !n.startsWith('.'))) {
    await rm(path.join(versions, name), { recursive: true, force: true })
  }
  await rmdir(versions).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOTEMPTY' && error.code !== 'ENOENT') throw error
  })
}

/** The models in a folder, published by switching the link (see the top of this file). */
export function folderModels(modelsDir: string): PublishedModels {
  return {
    location: modelsDir,
    lock: () => lockModels(modelsDir),
    current: () => currentVersion(modelsDir),
    async stage(): Promise<ModelsStaging> {
      const dir = await createStaging(modelsDir)
      return {
        id: versionOf(dir),
        sparkDir: dir,
        async write(name, body) {
          const file = path.join(dir, ...name.split('/'))
          await mkdir(path.dirname(file), { recursive: true })
          await writeFile(file, body)
        },
      }
    },
    publish: (staging, over) => publish(staging.sparkDir, modelsDir, over),
    discard: (staging) => discard(staging.sparkDir),
    cleanLeftovers: () => cleanLeftovers(modelsDir),
    remove: () => removeModels(modelsDir),
    async readFile(name) {
      try {
        return await readFile(path.join(modelsDir, ...name.split('/')))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw ioError(`Cannot read ${name} in ${modelsDir}`, error)
      }
    },
  }
}
