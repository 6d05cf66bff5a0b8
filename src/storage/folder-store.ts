// The storage seam on a local folder: each object is a plain file at its key's path, so Spark and people read
// it as it is. A new object is written under a temporary name, flushed, then linked to its name: link(2) fails
// when the name exists (the exclusive create) and readers see the complete file or none. A replacement is
// renamed over the old file (readers see the old or the new, never a mix) under a short exclusive guard
// (folder-guard.ts) that makes the version check and the rename one step. The version is the SHA-256 of the
// content. Names holding `~` are this store's own (temporary files, guards): keys may not contain it.
import { createHash, randomBytes } from 'node:crypto'
import type { Dirent } from 'node:fs'
import { link, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../errors.ts'
import { withFileGuard } from './folder-guard.ts'
import { compareKeys, folderPrefix, type ObjectStore, type StoredObject } from './object-store.ts'

const RESERVED = '~'

function versionOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex')
}

function storageError(location: string, what: string, error: unknown): TrafficError {
  const reason = (error as NodeJS.ErrnoException).code ?? String(error)
  return new TrafficError('STORAGE_ERROR', `${what} in the folder ${location} failed: ${reason}`, {
    cause: error,
  })
}

/** Writes `body` to a new file and flushes it to the disk before anyone can see it under its real name. */
async function writeDurable(file: string, body: Buffer | string): Promise<void> {
  const handle = await open(file, 'wx')
  try {
    await handle.writeFile(body)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** Makes a new or renamed name in `dir` survive a crash of the machine. */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

export class FolderStore implements ObjectStore {
  readonly location: string

  constructor(readonly dir: string) {
    this.location = dir
  }

  private pathOf(key: string): string {
    const parts = key.split('/')
    if (!key || parts.some((part) => !part || part === '.' || part === '..' || part.includes(RESERVED))) {
      throw new TrafficError('STORAGE_ERROR', `"${key}" is not a valid key in the folder ${this.location}`, {
        hint: `use "/"-separated names without empty, "." or ".." parts and without "${RESERVED}"`,
      })
    }
    return path.join(this.dir, ...parts)
  }

  private temporaryFor(file: string): string {
    return `${file}${RESERVED}tmp-${randomBytes(6).toString('hex')}`
  }

  async createIfAbsent(key: string, body: Buffer | string): Promise<boolean> {
    const file = this.pathOf(key)
    const temporary = this.temporaryFor(file)
    try {
      await mkdir(path.dirname(file), { recursive: true })
      await writeDurable(temporary, body)
      try {
        await link(temporary, file)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
        throw error
      }
      await syncDir(path.dirname(file))
      return true
    } catch (error) {
      throw storageError(this.location, `creating ${key}`, error)
    } finally {
      await unlink(temporary).catch(() => undefined)
    }
  }

  async get(key: string): Promise<StoredObject | undefined> {
    const file = this.pathOf(key)
    try {
      const body = await readFile(file)
      return { body, version: versionOf(body) }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw storageError(this.location, `reading ${key}`, error)
    }
  }

  async getIfChanged(key: string, version: string): Promise<StoredObject | 'unchanged' | undefined> {
    const found = await this.get(key)
    return found?.version === version ? 'unchanged' : found
  }

  async replaceIf(key: string, body: Buffer | string, version: string): Promise<boolean> {
    const file = this.pathOf(key)
    try {
      return await withFileGuard(file, async () => {
        if ((await this.get(key))?.version !== version) return false
        const temporary = this.temporaryFor(file)
        await writeDurable(temporary, body)
        await rename(temporary, file)
        await syncDir(path.dirname(file))
        return true
      })
    } catch (error) {
      if (error instanceof TrafficError) throw error
      throw storageError(this.location, `replacing ${key}`, error)
    }
  }

  async list(prefix = ''): Promise<string[]> {
    const keys: string[] = []
    const walk = async (dir: string, relative: string): Promise<void> => {
      let entries: Dirent[]
      try {
        entries = await readdir(dir, { withFileTypes: true })
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
        throw storageError(this.location, 'listing', error)
      }
      for (const entry of entries) {
        if (entry.name.includes(RESERVED)) continue
        const key = relative ? `${relative}/${entry.name}` : entry.name
        // Only folders on the way to the prefix, or under it, can hold matching keys.
        if (!key.startsWith(prefix) && !prefix.startsWith(`${key}/`)) continue
        if (entry.isDirectory()) await walk(path.join(dir, entry.name), key)
        else if (entry.isFile() && key.startsWith(prefix)) keys.push(key)
      }
    }
    await walk(this.dir, '')
    return keys.sort(compareKeys)
  }

  async deleteAll(prefix = ''): Promise<void> {
    const dir = folderPrefix(this.location, prefix) ? this.pathOf(prefix.slice(0, -1)) : this.dir
    try {
      await rm(dir, { recursive: true, force: true })
    } catch (error) {
      throw storageError(this.location, `deleting all under "${prefix}"`, error)
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await rm(this.pathOf(key), { force: true })
    } catch (error) {
      throw storageError(this.location, `deleting ${key}`, error)
    }
  }
}
