import { after, before } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { checkpointsSuite } from './checkpoints-suite.ts'

let s3proxy: RunningS3Proxy
before(async () => {
  s3proxy = await startS3Proxy()
})
after(() => s3proxy?.stop())
let roots = 0

checkpointsSuite('S3Proxy', async () => {
  const config = loadConfig({}, { TRAFFIC_CHECKPOINTS: `s3://${s3proxy.bucket}/root-${++roots}` })
  return { ...config, storage: { ...config.storage, s3: s3proxy.settings } }
})
