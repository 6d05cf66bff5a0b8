// Batch storage on a bucket of a running S3Proxy: a prefix per scenario, named after its topic.
import { S3Store } from '../../src/storage/s3-store.ts'
import type { RunningS3Proxy } from '../storage/s3proxy-fixture.ts'
import type { BatchStorage } from './helpers.ts'

/** `server` is read when a scenario asks: the S3Proxy starts in the test file's `before` hook. */
export function bucketStorage(server: () => RunningS3Proxy): BatchStorage {
  return (_work, name) => {
    const { settings, bucket, env } = server()
    return { dir: `s3://${bucket}/${name}`, store: new S3Store(settings, bucket, `${name}/`), env }
  }
}
