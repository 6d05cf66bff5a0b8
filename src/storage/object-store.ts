// The one storage seam: what batches, models, locks and checkpoints need from a place to keep bytes. Two
// implementations, a local folder (folder-store.ts) and an S3-compatible bucket (s3-store.ts); open-store.ts
// picks one from a location string. Keys are `/`-separated relative names, as in a bucket.
import { TrafficError } from '../errors.ts'

export interface StoredObject {
  body: Buffer
  /** Changes whenever the content does (an ETag on S3): the condition of `replaceIf`. */
  version: string
}

export interface ObjectStore {
  /** Where the objects are, for messages: a folder path or `s3://bucket/prefix`. */
  readonly location: string
  /** Writes `body` at `key` unless an object is already there; true when this call created it. */
  createIfAbsent(key: string, body: Buffer | string): Promise<boolean>
  /** The object at `key`, or undefined when there is none. */
  get(key: string): Promise<StoredObject | undefined>
  /**
   * The object at `key` unless its version is still `version` ('unchanged'; on S3 a conditional GET answered
   * 304 with no body, so polling costs next to nothing), or undefined when there is none.
   */
  getIfChanged(key: string, version: string): Promise<StoredObject | 'unchanged' | undefined>
  /**
   * Compare-and-swap: replaces the object at `key` with `body` only if its version is still `version`; true when
   * this call replaced it. Of concurrent calls with the same `version`, at most one succeeds.
   */
  replaceIf(key: string, body: Buffer | string, version: string): Promise<boolean>
  /** The keys that start with `prefix`, in key (byte) order. */
  list(prefix?: string): Promise<string[]>
  /** Deletes the object at `key`; no error when there is none. */
  delete(key: string): Promise<void>
  /**
   * Deletes every object under `prefix` (empty, or ending in `/`), leaving nothing there: no empty folder, which a
   * tool expecting a place that is new (Spark's state store) would take for an old one.
   */
  deleteAll(prefix?: string): Promise<void>
}

/** The prefix of a `deleteAll`: a whole "folder" of keys, or everything. */
export function folderPrefix(location: string, prefix: string): string {
  if (prefix && !prefix.endsWith('/')) {
    throw new TrafficError(
      'STORAGE_ERROR',
      `deleting all under "${prefix}" in ${location}: the prefix must end with "/"`,
    )
  }
  return prefix
}

/** Byte order of UTF-8 keys, as S3 lists them. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}
