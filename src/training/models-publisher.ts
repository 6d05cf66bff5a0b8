// Where trained models are published: one seam, two places. In a folder (models-folder.ts) the models path is a
// link switched to a complete version folder; on object storage (models-bucket.ts) each version is a prefix and
// one small pointer object names the published one. Either way a training writes a new version beside the
// served one and completes it (a listed version, not yet served); serving it is one compare-and-swap, so a reader
// sees one complete version or the one before, never a mix. Any complete version can be served again (rollback).
import type { S3Settings } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { parseStoreLocation } from '../storage/location.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { bucketModels } from './models-bucket.ts'
import { folderModels } from './models-folder.ts'
import type { ModelsLock } from './models-lock.ts'

/** A version being written: Spark saves into `sparkDir`, Node writes the other files with `write`. */
export interface ModelsStaging {
  readonly id: string
  /** The version's folder or `s3a://` prefix as Spark names it (join with `/`). */
  readonly sparkDir: string
  /** Writes `name` (a `/`-separated path inside the version). */
  write(name: string, body: Buffer | string): Promise<void>
}

export interface PublishedModels {
  /** The models location as the user gave it, for messages. */
  readonly location: string
  /** Takes the training lock of these models, or fails with TRAINING_RUNNING naming its holder. */
  lock(): Promise<ModelsLock>
  /** The id of the published version; undefined when none is. */
  current(): Promise<string | undefined>
  /** A new, empty version to write a complete set of models into; then `complete` (or `publish`) or `discard` it. */
  stage(): Promise<ModelsStaging>
  /** Makes the fully written `staging` a complete, listed version, without serving it. */
  complete(staging: ModelsStaging): Promise<void>
  /** Serves the complete version `id` if `over` (a `current()` result) is still the served one; true when it did. */
  serve(id: string, over: string | undefined): Promise<boolean>
  /** `complete` then `serve`. */
  publish(staging: ModelsStaging, over: string | undefined): Promise<boolean>
  discard(staging: ModelsStaging): Promise<void>
  /** The ids of the complete versions, oldest first. */
  versions(): Promise<string[]>
  /** The folder or `s3a://` prefix of version `id` as Spark names it (to read its models back into Spark). */
  sparkDirOf(id: string): string
  /** A file of version `id`, or undefined when there is none. */
  readVersionFile(id: string, name: string): Promise<Buffer | undefined>
  /**
   * Removes half-written versions and the complete ones that are neither served, among the `newest` newest, nor in
   * `keep`; only under the lock. Returns what it removed.
   */
  cleanLeftovers(retain: Retention): Promise<string[]>
  /** Deletes every version and the pointer to them (`traffic up --fresh`); only under the lock. */
  remove(): Promise<void>
  /** A file of the published version (e.g. report.json), or undefined when there is none. */
  readFile(name: string): Promise<Buffer | undefined>
  /** Where the registry keeps its log and aliases, beside the versions (see REGISTRY_KEYS). */
  readonly registryStore: ObjectStore
}

/** Which complete versions a clean-up keeps besides the served one. */
export interface Retention {
  newest: number
  keep: ReadonlySet<string>
}

/** What a clean-up keeps of the complete versions `complete` (oldest first), `current` being served. */
export function retainedVersions(
  complete: readonly string[],
  current: string | undefined,
  retain: Retention,
): Set<string> {
  const newest = retain.newest > 0 ? complete.slice(-retain.newest) : []
  return new Set([...(current ? [current] : []), ...retain.keep, ...newest])
}

/** The registry's own keys in `registryStore`: never taken for versions. */
export const REGISTRY_KEYS = {
  log: 'log/',
  challenger: 'aliases/challenger',
  lock: '.registry.lock',
} as const

/** The top-level names of REGISTRY_KEYS, which a folder of versions holds beside them. */
export const REGISTRY_NAMES: ReadonlySet<string> = new Set(
  Object.values(REGISTRY_KEYS).map((key) => key.split('/')[0] as string),
)

/** The error for a version `id` that is not a complete version of the models at `location`. */
export function unknownVersion(location: string, id: string): TrafficError {
  return new TrafficError('MODEL_NOT_FOUND', `No complete models version "${id}" in ${location}`, {
    hint: 'list the versions with `traffic models list`',
  })
}

/** The seam's `publish`, one definition for both places. */
export function withPublish(models: Omit<PublishedModels, 'publish'>): PublishedModels {
  return {
    ...models,
    async publish(staging, over) {
      await models.complete(staging)
      return models.serve(staging.id, over)
    },
  }
}

/** The published models at `location` (TRAFFIC_MODELS): a folder, or `s3://bucket/prefix` reached with `s3`. */
export function openModels(location: string, s3: S3Settings): PublishedModels {
  const parsed = parseStoreLocation('TRAFFIC_MODELS', location)
  return parsed.kind === 'folder' ? folderModels(parsed.dir) : bucketModels(location, s3)
}

/** Runs `work` holding the training lock of `models`. */
export async function withModelsLock<T>(models: PublishedModels, work: () => Promise<T>): Promise<T> {
  const lock = await models.lock()
  try {
    return await work()
  } finally {
    await lock.release()
  }
}
