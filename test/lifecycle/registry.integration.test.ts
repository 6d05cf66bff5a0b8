// The model registry's contract on a real S3 server (S3Proxy): versions under versions/<id>/, the log and the
// challenger beside them under the models prefix.
import { after, before } from 'node:test'
import { bucketModels } from '../../src/training/models-bucket.ts'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { registryContract } from './registry-contract.ts'

let s3proxy: RunningS3Proxy
before(async () => {
  s3proxy = await startS3Proxy()
})
after(async () => {
  await s3proxy?.stop()
})
let opened = 0

registryContract('S3Proxy', {
  open: async () => bucketModels(`s3://${s3proxy.bucket}/registry-${++opened}`, s3proxy.settings),
})
