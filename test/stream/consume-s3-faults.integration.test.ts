// Faults on the storage path of `traffic consume` with the batch objects on a real S3 server (S3Proxy): the
// server SIGKILLed mid-consume, then restarted; an unknown bucket; wrong credentials.
import assert from 'node:assert/strict'
import { after, before, it } from 'node:test'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { traffic } from '../fixtures/cli.ts'
import { until } from '../fixtures/wait.ts'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { bucketStorage } from './bucket-storage.ts'
import {
  assertTiles,
  clients,
  consumeArgs,
  csvLines,
  generateCsv,
  readBatches,
  scenario,
  startConsumer,
} from './helpers.ts'

const ROWS = 300_000

let s3proxy: RunningS3Proxy
before(async () => {
  s3proxy = await startS3Proxy()
})
after(() => s3proxy?.stop())

it('S3Proxy SIGKILLed mid-consume: the consumer stops naming the endpoint; after a restart, the rerun leaves exactly the source rows', async () => {
  const s = await scenario(
    's3-killed',
    bucketStorage(() => s3proxy),
  )
  const csv = await generateCsv(s.work, ROWS, 51)
  await produceCsvToTopic(clients, { file: csv, topic: s.topic, partitions: 1, rejectsFile: `${s.work}/r` })
  const flags = ['--batch-size', '10000', '--idle-timeout', '3']

  const run = startConsumer(s, flags)
  await until('the consumer wrote its first object', () => run.files() > 0 || run.child.exitCode !== null)
  assert.equal(run.child.exitCode, null, 'the consumer finished before the server could be killed')
  await s3proxy.kill()
  assert.notEqual(await run.exited, 0, 'the consumer cannot go on without its store')
  const endpoint = s3proxy.settings.endpoint as string
  assert.match(run.errors(), new RegExp(`s3://${s3proxy.bucket} at ${endpoint} \\(AWS_ENDPOINT_URL_S3\\)`))
  assert.doesNotMatch(run.errors(), new RegExp(s3proxy.env.AWS_SECRET_ACCESS_KEY as string))

  await s3proxy.restart()
  const rerun = startConsumer(s, flags)
  assert.equal(await rerun.exited, 0, rerun.errors())
  const batches = await readBatches(s.store, s.topic)
  assertTiles(batches, new Map([[0, BigInt(ROWS)]]))
  assert.deepEqual(batches.flatMap((b) => b.lines).sort(), await csvLines(csv))
})

it('an unknown bucket or wrong credentials fail at once, naming the setting to fix and never the secret', async () => {
  const s = await scenario(
    's3-refused',
    bucketStorage(() => s3proxy),
  )
  await clients.ensureTopic(s.topic, 1)
  const secret = s3proxy.env.AWS_SECRET_ACCESS_KEY as string
  const cases = [
    {
      dir: `s3://no-such-bucket/batches`,
      env: s3proxy.env,
      message: /s3:\/\/no-such-bucket at .*: the bucket does not exist[\s\S]*TRAFFIC_BATCHES/,
    },
    {
      dir: s.dir,
      env: { ...s3proxy.env, AWS_SECRET_ACCESS_KEY: `${secret}-wrong` },
      message: /secret key does not match[\s\S]*AWS_SECRET_ACCESS_KEY/,
    },
    {
      dir: s.dir,
      env: { ...s3proxy.env, AWS_ACCESS_KEY_ID: 'nobody' },
      message: /access key is not known[\s\S]*AWS_ACCESS_KEY_ID/,
    },
  ]
  for (const { dir, env, message } of cases) {
    const run = await traffic([...consumeArgs({ ...s, dir }), '--idle-timeout', '60'], env)
    assert.notEqual(run.code, 0)
    assert.match(run.stderr, message)
    assert.ok(!`${run.stdout}${run.stderr}`.includes(secret), 'the secret is never printed')
  }
})
