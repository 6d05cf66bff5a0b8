// The published models of an `s3://` location, copied into a local folder the API loads them from as from any
// models folder. A version is copied whole into a temporary folder and renamed into place, so a folder named
// after a version is always complete; the copy follows the version's manifest, and if the version disappears
// meanwhile (a training cleaned it up after publishing two newer ones), it starts over from the pointer.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../../errors.ts'
import type { ObjectStore } from '../../storage/object-store.ts'
import { manifestOf, readPointer, versionPrefix } from '../../training/models-bucket.ts'

/** Tries of one copy whose version is removed under it before it gives up. */
const ATTEMPTS = 5

export interface CachedVersion {
  /** The local folder holding the version; a never-created folder when no version is published. */
  dir: string
  /** The pointer object's version (ETag) that named it: the condition of the next poll. */
  pointerVersion: string
}

/** A folder no version can be named (ids have no dot at the start): loading from it finds no models. */
const NOTHING_PUBLISHED = '.nothing-published'

/** Copies the version `id` into `dir`; false when one of its files (or its manifest) is gone. */
async function copyVersion(store: ObjectStore, id: string, dir: string): Promise<boolean> {
  const files = await manifestOf(store, id)
  if (!files) return false
  const temporary = path.join(path.dirname(dir), `.${id}.partial-${randomBytes(4).toString('hex')}`)
  try {
    for (const name of files) {
      const found = await store.get(versionPrefix(id) + name)
      if (!found) return false
      const file = path.join(temporary, ...name.split('/'))
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, found.body)
    }
    await mkdir(temporary, { recursive: true })
    // Another API sharing the cache may have put the same version in place first: theirs is as good.
    await rename(temporary, dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(dir)) throw error
    })
    return true
  } finally {
    await rm(temporary, { recursive: true, force: true })
  }
}

/**
 * The published version, copied into `cacheDir` unless it is there already. Other cached versions are removed:
 * the models in service are held in memory, not read from their folder.
 */
export async function cachePublishedVersion(store: ObjectStore, cacheDir: string): Promise<CachedVersion> {
  await mkdir(cacheDir, { recursive: true })
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const published = await readPointer(store)
    if (!published) return { dir: path.join(cacheDir, NOTHING_PUBLISHED), pointerVersion: '' }
    const dir = path.join(cacheDir, published.pointer.version)
    if (existsSync(dir) || (await copyVersion(store, published.pointer.version, dir))) {
      for (const name of await readdir(cacheDir)) {
        const entry = path.join(cacheDir, name)
        if (entry !== dir && !name.includes('.partial-')) {
          await rm(entry, { recursive: true, force: true })
        }
      }
      return { dir, pointerVersion: published.version }
    }
  }
  throw new TrafficError(
    'STORAGE_ERROR',
    `The published models in ${store.location} kept being removed while copied`,
    {
      hint: 'the trainings publishing there clean up faster than this API copies; try again',
      canRetry: true,
    },
  )
}
