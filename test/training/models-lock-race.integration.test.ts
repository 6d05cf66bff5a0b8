// The models lock on S3Proxy: racing processes, each with its own S3 client, over a bucket.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { leaveStaleLock, race } from './lock-race.ts'

let s3proxy: RunningS3Proxy
let env: NodeJS.ProcessEnv
before(async () => {
  s3proxy = await startS3Proxy()
  const { endpoint, region, credentials } = s3proxy.settings
  env = {
    AWS_ENDPOINT_URL_S3: endpoint,
    AWS_REGION: region,
    AWS_ACCESS_KEY_ID: credentials?.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials?.secretAccessKey,
  }
})
after(() => s3proxy?.stop())

const RACERS = 6

test(`of ${RACERS} processes racing for the models lock in a bucket, exactly one wins, also over a SIGKILLed holder`, async () => {
  const location = `s3://${s3proxy.bucket}/models`
  assert.equal(await race(location, RACERS, env), 1)
  await leaveStaleLock(location, env)
  assert.equal(await race(location, RACERS, env), 1)
})
