// The one place that turns a location into a store: a folder path, or `s3://bucket/prefix`.
import type { S3Settings } from '../config.ts'
import { FolderStore } from './folder-store.ts'
import { parseStoreLocation } from './location.ts'
import type { ObjectStore } from './object-store.ts'
import { S3Store } from './s3-store.ts'

/** The store at `location` (given by `setting`, named in errors); S3 locations use `s3`. */
export function openStore(setting: string, location: string, s3: S3Settings): ObjectStore {
  const parsed = parseStoreLocation(setting, location)
  return parsed.kind === 'folder'
    ? new FolderStore(parsed.dir)
    : new S3Store(s3, parsed.bucket, parsed.prefix, setting)
}
