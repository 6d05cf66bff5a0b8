// The models folder is published as a whole, never edited in place. `spark_models_traffic` is a symbolic link to
// one complete version in `spark_models_traffic.versions/<id>`; training writes a new version beside it (a real
// folder, since the Spark server writes the model files there too) as `<id>.partial`, completes it by renaming it
// to `<id>`, and serving it switches the link with one rename(2). A reader that resolves the link sees the old
// version or the new one, never a mix and never nothing. Versions served before are kept by the clean-up (the
// registry names them), for readers still holding them and for a rollback. The check of the served version and
// the switch are one step under a short guard (storage/folder-guard.ts): a compare-and-swap.
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
import { FolderStore } from '../storage/folder-store.ts'
import { lockModels } from './models-lock.ts'
import {
  type ModelsStaging,
  type PublishedModels,
  REGISTRY_NAMES,
  type Retention,
  retainedVersions,
  unknownVersion,
  withPublish,
} from './models-publisher.ts'

const PARTIAL = '.partial'

/** The folder that holds the versions (and the training lock), next to the models link. */
export function versionsDir(modelsDir: string): string {
  return `${modelsDir}.versions`
}

let lastIdMs = 0

/**
 * Sortable by time (trainings take the lock in turn): one process's ids increase strictly, even within a
 * millisecond; the random tail keeps two processes' ids of the same millisecond apart.
 */
export function newVersionId(): string {
  lastIdMs = Math.max(Date.now(), lastIdMs + 1)
  return versionIdAt(lastIdMs)
}

function versionIdAt(ms: number): string {
  return `${new Date(ms).toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`
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
 * previous version, its id from when it was written so that it sorts before the versions trained since. This
 * one-time move is the only moment the path is briefly absent.
 */
async function adoptPlainFolder(modelsDir: string): Promise<void> {
  const stats = await lstat(modelsDir).catch(() => undefined)
  if (stats?.isDirectory()) {
    await rename(modelsDir, path.join(versionsDir(modelsDir), versionIdAt(stats.mtimeMs)))
  }
}

/** Makes the fully written `staging` folder the complete version it names (not served yet); once is enough. */
export async function completeStaging(staging: string): Promise<void> {
  const version = path.join(path.dirname(staging), versionOf(staging))
  try {
    await rename(staging, version)
  } catch (error) {
    const done = (await lstat(version).catch(() => undefined))?.isDirectory()
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !done) {
      throw ioError(`Cannot complete the new models version ${staging}`, error)
    }
  }
}

async function isVersion(modelsDir: string, id: string): Promise<boolean> {
  if (!id || id.startsWith('.') || id.includes('/') || REGISTRY_NAMES.has(id) || id.endsWith(PARTIAL)) {
    return false
  }
  return (await lstat(path.join(versionsDir(modelsDir), id)).catch(() => undefined))?.isDirectory() === true
}

/**
 * Serves the complete version `id` if `over` (a `currentVersion` result) still is the served one; true when it
 * did. A plain models folder counts as no version, and becomes a complete one.
 */
export async function serveVersion(
  modelsDir: string,
  id: string,
  over: string | undefined,
): Promise<boolean> {
  try {
    return await withFileGuard(modelsDir, async () => {
      await adoptPlainFolder(modelsDir)
      if (!(await isVersion(modelsDir, id))) throw unknownVersion(modelsDir, id)
      if ((await currentVersion(modelsDir)) !== over) return false
      await switchLink(modelsDir, id)
      return true
    })
  } catch (error) {
    if (error instanceof TrafficError) throw error
    throw ioError(`Cannot serve the models version ${id} in ${modelsDir}`, error)
  }
}

/** Completes `staging` and serves it if `over` still is the served version; true when it did. */
export async function publish(
  staging: string,
  modelsDir: string,
  over: string | undefined,
): Promise<boolean> {
  await completeStaging(staging)
  return serveVersion(modelsDir, versionOf(staging), over)
}

/** The complete versions, oldest first (ids sort by time). */
export async function listVersions(modelsDir: string): Promise<string[]> {
  const names = await readdir(versionsDir(modelsDir)).catch(() => [] as string[])
  const complete = await Promise.all(
    names.map(async (name) => ((await isVersion(modelsDir, name)) ? name : '')),
  )
  return complete.filter(Boolean).sort()
}

export async function discard(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true })
}

/**
 * Removes what runs before this one left behind: half-written versions (a train killed before completing),
 * complete versions neither served nor retained, link files never renamed into place, and the staging folders of
 * older releases (`.<name>.new-*`). Only call it while holding the training lock.
 */
export async function cleanLeftovers(modelsDir: string, retain: Retention): Promise<string[]> {
  const current = await currentVersion(modelsDir)
  const versions = versionsDir(modelsDir)
  const kept = retainedVersions(await listVersions(modelsDir), current, retain)
  const names = (await readdir(versions).catch(() => [] as string[])).filter(
    (name) => !name.startsWith('.') && !REGISTRY_NAMES.has(name),
  )
  const stale = names.filter((name) => !kept.has(name)).map((name) => path.join(versions, name))
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

async function readOptional(file: string, what: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw ioError(`Cannot read ${what}`, error)
  }
}

/** The models in a folder, published by switching the link (see the top of this file). */
export function folderModels(modelsDir: string): PublishedModels {
  return withPublish({
    location: modelsDir,
    registryStore: new FolderStore(versionsDir(modelsDir)),
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
    complete: (staging) => completeStaging(staging.sparkDir),
    serve: (id, over) => serveVersion(modelsDir, id, over),
    discard: (staging) => discard(staging.sparkDir),
    versions: () => listVersions(modelsDir),
    sparkDirOf: (id) => path.join(versionsDir(modelsDir), id),
    async readVersionFile(id, name) {
      if (!(await isVersion(modelsDir, id))) return undefined
      return readOptional(
        path.join(versionsDir(modelsDir), id, ...name.split('/')),
        `${name} of ${id} in ${modelsDir}`,
      )
    },
    cleanLeftovers: (retain) => cleanLeftovers(modelsDir, retain),
    remove: () => removeModels(modelsDir),
    readFile: (name) => readOptional(path.join(modelsDir, ...name.split('/')), `${name} in ${modelsDir}`),
  })
}
