// The consumer's exactly-once invariants with the batch objects in a bucket on a real S3 server (S3Proxy).
import { after, before } from 'node:test'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { batchInvariants } from './batch-invariants.ts'
import { bucketStorage } from './bucket-storage.ts'

let s3proxy: RunningS3Proxy
before(async () => {
  s3proxy = await startS3Proxy()
})
after(() => s3proxy?.stop())

batchInvariants('S3Proxy', () => bucketStorage(() => s3proxy))
