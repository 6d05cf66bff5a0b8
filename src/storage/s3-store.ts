// The storage seam on an S3-compatible bucket (AWS S3, S3Proxy, MinIO…) through the AWS SDK. A new object is one
// PutObject with `If-None-Match: *` (no temporary object, no rename); a replacement is a PutObject with
// `If-Match: <ETag>`, the server's own compare-and-swap; both answer 412 when the condition fails.
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  S3Client,
} from '@aws-sdk/client-s3'
import type { S3Settings } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { folderPrefix, type ObjectStore, type StoredObject } from './object-store.ts'

interface S3Failure {
  name?: string
  code?: string
  $metadata?: { httpStatusCode?: number }
}

function statusOf(error: unknown): number | undefined {
  return (error as S3Failure).$metadata?.httpStatusCode
}

/** Tries of one request that the server asks to repeat, or that read a torn answer. */
const ATTEMPTS = 5

function isChecksumMismatch(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('Checksum mismatch')
}

function notFound(error: unknown): boolean {
  const name = (error as S3Failure).name
  return name === 'NoSuchKey' || name === 'NotFound'
}

export function s3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    forcePathStyle: settings.forcePathStyle,
    // Without throwOnRequestTimeout the handler only logs a passed deadline and keeps waiting.
    requestHandler: {
      connectionTimeout: settings.requestTimeoutMs,
      requestTimeout: settings.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
  })
}

/** Where a request went, for messages: the custom endpoint and the setting that named it, or AWS's own. */
function endpointOf(settings: S3Settings): string {
  return settings.endpoint
    ? `${settings.endpoint} (${settings.endpointSetting})`
    : `AWS S3 in ${settings.region}`
}

/**
 * A clear error for a failed request: names the bucket, the endpoint and the setting to check, never a secret.
 * `locationSetting` is the setting that named the bucket, when there is one.
 */
export function s3Error(
  settings: S3Settings,
  bucket: string,
  what: string,
  error: unknown,
  locationSetting?: string,
): TrafficError {
  const failure = error as S3Failure
  const where = `s3://${bucket} at ${endpointOf(settings)}`
  const credentialsHint = settings.credentials
    ? 'check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'
    : `set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY${settings.profile ? ', or fix the profile AWS_PROFILE' : ' (or AWS_PROFILE)'}`
  const known: Record<string, [string, string]> = {
    NoSuchBucket: [
      `the bucket does not exist`,
      `create it, or correct the bucket in ${locationSetting ?? 'the s3:// location'}`,
    ],
    InvalidAccessKeyId: ['the access key is not known to the server', credentialsHint],
    SignatureDoesNotMatch: ['the secret key does not match the access key', credentialsHint],
    AccessDenied: ['access denied', credentialsHint],
    CredentialsProviderError: ['no credentials found', credentialsHint],
    ECONNREFUSED: [
      'nothing answers there',
      `start the server, or correct ${settings.endpointSetting ?? 'AWS_ENDPOINT_URL_S3'}`,
    ],
  }
  const name =
    [failure.name, failure.code].find((n) => n !== undefined && n in known) ?? failure.name ?? 'Error'
  const [reason, hint] = known[name] ?? [`${name} (HTTP ${statusOf(error) ?? '?'})`, undefined]
  return new TrafficError('STORAGE_ERROR', `${what} in ${where} failed: ${reason}`, {
    ...(hint ? { hint } : {}),
    canRetry: name === 'ECONNREFUSED',
    cause: error,
  })
}

/** Creates `bucket` unless it exists and is ours. */
export async function ensureBucket(settings: S3Settings, bucket: string): Promise<void> {
  const client = s3Client(settings)
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }))
  } catch (error) {
    const name = (error as S3Failure).name
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') {
      throw s3Error(settings, bucket, 'creating the bucket', error)
    }
  } finally {
    client.destroy()
  }
}

export class S3Store implements ObjectStore {
  readonly location: string
  private readonly client: S3Client

  constructor(
    private readonly settings: S3Settings,
    private readonly bucket: string,
    /** Empty, or ends with `/`. */
    private readonly prefix: string,
    /** The setting that gave the location, named in errors. */
    private readonly locationSetting?: string,
  ) {
    this.location = `s3://${bucket}/${prefix}`
    this.client = s3Client(settings)
  }

  private async request<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send()
    } catch (error) {
      throw s3Error(this.settings, this.bucket, what, error, this.locationSetting)
    }
  }

  /**
   * A conditional PutObject: true when written, false when its condition failed (412). A 409 says another
   * conditional write to the key was in flight and the condition is not yet decided: AWS asks for a retry.
   */
  private async putIf(key: string, body: Buffer | string, condition: Partial<PutObjectCommandInput>) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutObjectCommand({ Bucket: this.bucket, Key: this.prefix + key, Body: body, ...condition }),
        )
        return true
      } catch (error) {
        const status = statusOf(error)
        if (status === 412 || notFound(error)) return false
        if (status !== 409 || attempt === ATTEMPTS) {
          throw s3Error(this.settings, this.bucket, `writing ${key}`, error, this.locationSetting)
        }
      }
    }
  }

  createIfAbsent(key: string, body: Buffer | string): Promise<boolean> {
    return this.putIf(key, body, { IfNoneMatch: '*' })
  }

  replaceIf(key: string, body: Buffer | string, version: string): Promise<boolean> {
    return this.putIf(key, body, { IfMatch: version })
  }

  get(key: string): Promise<StoredObject | undefined> {
    return this.read(key) as Promise<StoredObject | undefined>
  }

  getIfChanged(key: string, version: string): Promise<StoredObject | 'unchanged' | undefined> {
    return this.read(key, version)
  }

  /** A GET, conditional on the ETag differing from `unless` when given (304: 'unchanged'). */
  private async read(key: string, unless?: string): Promise<StoredObject | 'unchanged' | undefined> {
    for (let attempt = 1; ; attempt++) {
      try {
        const answer = await this.client.send(
          new GetObjectCommand({
            Bucket: this.bucket,
            Key: this.prefix + key,
            ...(unless ? { IfNoneMatch: unless } : {}),
          }),
        )
        const body = Buffer.from((await answer.Body?.transformToByteArray()) ?? [])
        return { body, version: answer.ETag ?? '' }
      } catch (error) {
        if (notFound(error)) return undefined
        if (unless && statusOf(error) === 304) return 'unchanged'
        // A server may answer a read that overlaps a replacement with one version's checksum and another's
        // bytes (S3Proxy's filesystem backend does); the SDK refuses those bytes, and a new read gets one whole.
        if (!isChecksumMismatch(error) || attempt === ATTEMPTS) {
          throw s3Error(this.settings, this.bucket, `reading ${key}`, error, this.locationSetting)
        }
      }
    }
  }

  async list(prefix = ''): Promise<string[]> {
    const keys: string[] = []
    let token: string | undefined
    do {
      const page = await this.request('listing', () =>
        this.client.send(
          new ListObjectsV2Command({
            Bucket: this.bucket,
            Prefix: this.prefix + prefix,
            ...(token ? { ContinuationToken: token } : {}),
          }),
        ),
      )
      for (const object of page.Contents ?? []) {
        if (object.Key) keys.push(object.Key.slice(this.prefix.length))
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)
    return keys
  }

  async deleteAll(prefix = ''): Promise<void> {
    for (const key of await this.list(folderPrefix(this.location, prefix))) await this.delete(key)
  }

  async delete(key: string): Promise<void> {
    await this.request(`deleting ${key}`, () =>
      this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.prefix + key })),
    )
  }
}
