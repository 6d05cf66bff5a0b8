// The models on object storage (`s3://bucket/prefix`). Each training writes a new version under
// `versions/<id>/` (Spark through `s3a://`, Node through the store); completing it lists what the version holds
// into its manifest (`versions/<id>/_MANIFEST`); serving a complete version switches the one small pointer object
// `CURRENT` with a compare-and-swap on its ETag (an exclusive create the first time). Each switch is numbered, and
// its writer first claims its number with an exclusive create (`claims/<n>`): of racers from one pointer exactly
// one claims the next number and only that one writes the pointer, so two conditional writes of the pointer never
// race (some servers, S3Proxy's filesystem backend among them, check `If-Match` apart from the write). A version
// without a manifest is not complete; one whose manifest lists a file that is gone is being removed. Versions
// served before stay as long as the clean-up retains them, for readers still copying them and for a rollback. The
// training lock is a lease in the same prefix (`.train.lock/`), the registry's log and aliases beside it.
import type { S3Settings } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { sparkPathOf } from '../storage/location.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { openStore } from '../storage/open-store.ts'
import { newVersionId } from './models-folder.ts'
import { lockModelsIn } from './models-lock.ts'
import {
  type ModelsStaging,
  type PublishedModels,
  REGISTRY_KEYS,
  retainedVersions,
  unknownVersion,
  withPublish,
} from './models-publisher.ts'

export const POINTER_KEY = 'CURRENT'
const VERSIONS = 'versions/'
const MANIFEST = '_MANIFEST'
const CLAIMS = 'claims/'

/** What the pointer object holds. */
export interface ModelsPointer {
  version: string
  previous?: string
  /** The publication's number (its claim). */
  seq: number
}

/** Zero-padded, so a listing is in number order. */
function claimKey(seq: number): string {
  return `${CLAIMS}${String(seq).padStart(12, '0')}`
}

export function versionPrefix(id: string): string {
  return `${VERSIONS}${id}/`
}

function jsonOf(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'))
  } catch {
    return undefined
  }
}

/** The pointer's content; a clear error names the object when it holds none. */
function parsePointer(store: ObjectStore, body: Buffer): ModelsPointer {
  const pointer = jsonOf(body) as Partial<ModelsPointer> | undefined
  const seq = pointer?.seq
  if (
    typeof pointer?.version === 'string' &&
    pointer.version &&
    Number.isInteger(seq) &&
    (seq as number) > 0
  ) {
    return pointer as ModelsPointer
  }
  throw new TrafficError('STORAGE_ERROR', `${store.location}${POINTER_KEY} does not name a models version`, {
    hint: 'delete it (the API then serves no models) and run `traffic train` again',
  })
}

/** The published version and the pointer's version (for a compare-and-swap), or undefined when none is. */
export async function readPointer(
  store: ObjectStore,
): Promise<{ pointer: ModelsPointer; version: string } | undefined> {
  const found = await store.get(POINTER_KEY)
  return found && { pointer: parsePointer(store, found.body), version: found.version }
}

/**
 * The files of version `id` (relative names) as its manifest lists them, or undefined when it has no manifest
 * (never published, or being removed).
 */
export async function manifestOf(store: ObjectStore, id: string): Promise<string[] | undefined> {
  const manifest = await store.get(versionPrefix(id) + MANIFEST)
  return manifest && (JSON.parse(manifest.body.toString('utf8')) as { files: string[] }).files
}

/** The version ids found under `versions/`, complete or not. */
async function versionIds(store: ObjectStore): Promise<Set<string>> {
  const keys = await store.list(VERSIONS)
  return new Set(keys.map((key) => key.slice(VERSIONS.length).split('/')[0] as string))
}

/** The complete versions (those with a manifest), oldest first. */
async function completeVersions(store: ObjectStore): Promise<string[]> {
  return (await store.list(VERSIONS))
    .filter((key) => key.endsWith(`/${MANIFEST}`))
    .map((key) => key.slice(VERSIONS.length, -MANIFEST.length - 1))
}

async function deleteVersion(store: ObjectStore, id: string): Promise<void> {
  // The manifest first: a reader finds the version gone rather than a file missing from it.
  await store.delete(versionPrefix(id) + MANIFEST)
  for (const key of await store.list(versionPrefix(id))) await store.delete(key)
}

/** The models at `location` (`s3://bucket/prefix`), reached with `s3`. */
export function bucketModels(location: string, s3: S3Settings): PublishedModels {
  const store = openStore('TRAFFIC_MODELS', location, s3)
  const sparkDirOf = (id: string) => sparkPathOf(`${store.location}${versionPrefix(id)}`.replace(/\/$/, ''))
  return withPublish({
    location,
    registryStore: store,
    lock: () => lockModelsIn(store, location),
    current: async () => (await readPointer(store))?.pointer.version,
    async stage(): Promise<ModelsStaging> {
      const id = newVersionId()
      const prefix = versionPrefix(id)
      return {
        id,
        sparkDir: sparkDirOf(id),
        async write(name, body) {
          if (!(await store.createIfAbsent(prefix + name, body))) {
            throw new TrafficError('STORAGE_ERROR', `${store.location}${prefix}${name} exists already`)
          }
        },
      }
    },
    async complete(staging) {
      const prefix = versionPrefix(staging.id)
      // Keys ending in `/` are the empty directory markers Hadoop's S3A may leave: no files to copy.
      const files = (await store.list(prefix))
        .map((key) => key.slice(prefix.length))
        .filter((name) => !name.endsWith('/'))
      await store.createIfAbsent(prefix + MANIFEST, JSON.stringify({ files }))
    },
    async serve(id, over) {
      if (!(await manifestOf(store, id))) {
        throw unknownVersion(location, id)
      }
      const published = await readPointer(store)
      if (published?.pointer.version !== over) return false
      const seq = (published?.pointer.seq ?? 0) + 1
      if (!(await store.createIfAbsent(claimKey(seq), id))) return false
      const next: ModelsPointer = { version: id, ...(over ? { previous: over } : {}), seq }
      const body = JSON.stringify(next)
      const switched = published
        ? await store.replaceIf(POINTER_KEY, body, published.version)
        : await store.createIfAbsent(POINTER_KEY, body)
      // Only a pointer written by another tool meanwhile gets here: the number is free again.
      if (!switched) await store.delete(claimKey(seq))
      return switched
    },
    async discard(staging) {
      await deleteVersion(store, staging.id)
    },
    versions: () => completeVersions(store),
    sparkDirOf,
    async readVersionFile(id, name) {
      if (!(await manifestOf(store, id))) return undefined
      return (await store.get(versionPrefix(id) + name))?.body
    },
    async cleanLeftovers(retain) {
      const pointer = (await readPointer(store))?.pointer
      // A claim past the pointer's number is a writer killed between claiming and switching.
      const claims = await store.list(CLAIMS)
      for (const key of claims.filter((key) => key !== claimKey(pointer?.seq ?? 0))) await store.delete(key)
      const kept = retainedVersions(await completeVersions(store), pointer?.version, retain)
      const stale = [...(await versionIds(store))].filter((id) => !kept.has(id))
      for (const id of stale) await deleteVersion(store, id)
      return stale.map((id) => `${store.location}${versionPrefix(id)}`)
    },
    async remove() {
      await store.delete(POINTER_KEY)
      for (const key of await store.list(CLAIMS)) await store.delete(key)
      for (const id of await versionIds(store)) await deleteVersion(store, id)
      await store.deleteAll(REGISTRY_KEYS.log)
      await store.delete(REGISTRY_KEYS.challenger)
    },
    async readFile(name) {
      const pointer = (await readPointer(store))?.pointer
      return pointer && (await store.get(versionPrefix(pointer.version) + name))?.body
    },
  })
}
