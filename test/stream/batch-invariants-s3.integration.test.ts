// The consumer's exactly-once invariants with the batch objects in a bucket on a real S3 server (S3Proxy).
import { after, before } from 'node:test'
import { S3Store } from '../../src/storage/s3-store.ts'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { batchInvariants } from './batch-invariants.ts'
import type { BatchStorage } from './helpers.ts'

let s3proxy: RunningS3Proxy
before(async () => {
  s3proxy = await startS3Proxy()
})
after(() => s3proxy?.stop())

/** A prefix of the bucket per scenario, named after its topic. */
export const bucketStorage = (): BatchStorage => (_work, name) => ({
  dir: `s3://${s3proxy.bucket}/${name}`,
  store: new S3Store(s3proxy.settings, s3proxy.bucket, `${name}/`),
  env: s3proxy.env,
})

batchInvariants('S3Proxy', bucketStorage)
