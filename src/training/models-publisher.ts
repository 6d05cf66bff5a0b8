// Where trained models are published: one seam, two places. In a folder (models-folder.ts) the models path is a
// link switched to a complete version folder; on object storage (models-bucket.ts) each version is a prefix and
// one small pointer object names the published one. Either way a training writes a new version beside the
// published one and publishes it with one compare-and-swap, so a reader sees one complete version or the one
// before, never a mix.
import type { S3Settings } from '../config.ts'
import { parseStoreLocation } from '../storage/location.ts'
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
  /** A new, empty version to write a complete set of models into; then `publish` or `discard` it. */
  stage(): Promise<ModelsStaging>
  /** Publishes `staging` if `over` (a `current()` result) is still the published version; true when it did. */
  publish(staging: ModelsStaging, over: string | undefined): Promise<boolean>
  discard(staging: ModelsStaging): Promise<void>
  /** Removes half-written and old versions (the published one and the one before stay); only under the lock. */
  cleanLeftovers(): Promise<string[]>
  /** Deletes every version and the pointer to them (`traffic up --fresh`); only under the lock. */
  remove(): Promise<void>
  /** A file of the published version (e.g. report.json), or undefined when there is none. */
  readFile(name: string): Promise<Buffer | undefined>
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
