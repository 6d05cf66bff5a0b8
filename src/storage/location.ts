// A storage location as the user writes it: a local folder, or `s3://bucket/prefix` on S3-compatible storage.
import path from 'node:path'
import { TrafficError } from '../errors.ts'

export type StoreLocation = { kind: 'folder'; dir: string } | { kind: 's3'; bucket: string; prefix: string }

/** S3's bucket naming rules (lower case letters, digits, dots and hyphens; 3 to 63 characters). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Parses the location given by `setting`; a clear error names the setting when it is not one. */
export function parseStoreLocation(setting: string, raw: string): StoreLocation {
  if (!raw.startsWith('s3://')) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
      throw new TrafficError(
        'INVALID_CONFIG',
        `${setting} must be a folder or s3://bucket/prefix, got "${raw}"`,
      )
    }
    return { kind: 'folder', dir: path.resolve(raw) }
  }
  const [bucket = '', ...rest] = raw.slice('s3://'.length).split('/')
  if (!BUCKET.test(bucket)) {
    throw new TrafficError('INVALID_CONFIG', `${setting} names no valid bucket in "${raw}"`, {
      hint: 'write s3://bucket/prefix, the bucket 3–63 lower-case letters, digits, "." or "-"',
    })
  }
  const prefix = rest.filter(Boolean).join('/')
  return { kind: 's3', bucket, prefix: prefix ? `${prefix}/` : '' }
}

/**
 * A location setting's value as the config keeps it: a folder resolved to an absolute path, or the `s3://` URI as
 * written (checked here, so a bad one fails at start-up naming its setting).
 */
export function storeLocation(setting: string, raw: string): string {
  const parsed = parseStoreLocation(setting, raw)
  return parsed.kind === 'folder' ? parsed.dir : raw
}

/** The location as Spark (Hadoop) names it: a folder path as it is, `s3://` as Hadoop's S3A connector `s3a://`. */
export function sparkPathOf(location: string): string {
  return location.startsWith('s3://') ? `s3a://${location.slice('s3://'.length)}` : location
}

/** The location of the object at `key` under a store's `location` (a folder path or `s3://bucket/prefix/`). */
export function objectLocation(location: string, key: string): string {
  return location.startsWith('s3://') ? `${location.replace(/\/?$/, '/')}${key}` : path.join(location, key)
}
