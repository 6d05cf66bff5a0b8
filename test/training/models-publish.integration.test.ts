// The models publishing contract on a real S3 server (S3Proxy): versions under versions/<id>/, the CURRENT
// pointer switched with a conditional write, readers copying the published version into their own cache.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { modelsSource } from '../../src/api/services/models-source.ts'
import { bucketModels } from '../../src/training/models-bucket.ts'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { publishContract } from './models-publish-contract.ts'

const caches = mkdtempSync(path.join(tmpdir(), 'models-publish-cache-'))
let s3proxy: RunningS3Proxy
before(async () => {
  s3proxy = await startS3Proxy()
})
after(async () => {
  await s3proxy?.stop()
  rmSync(caches, { recursive: true, force: true })
})
let opened = 0
let readers = 0

publishContract('S3Proxy', {
  open: async () => bucketModels(`s3://${s3proxy.bucket}/models-${++opened}`, s3proxy.settings),
  reader: (models) =>
    modelsSource(models.location, {
      s3: s3proxy.settings,
      cacheDir: path.join(caches, `${++readers}`),
      pollMs: 50,
    }),
})

test('S3Proxy: the empty directory markers S3A may leave in a version are not copied as files', async () => {
  const models = bucketModels(`s3://${s3proxy.bucket}/markers`, s3proxy.settings)
  const staging = await models.stage()
  await staging.write('traffic_density_model/metadata/part-00000', '1')
  await staging.write('traffic_density_model/', '')
  assert.equal(await models.publish(staging, undefined), true)
  const source = modelsSource(models.location, {
    s3: s3proxy.settings,
    cacheDir: path.join(caches, 'markers'),
    pollMs: 50,
  })
  const dir = await source.resolve()
  assert.equal(readFileSync(path.join(dir, 'traffic_density_model/metadata/part-00000'), 'utf8'), '1')
})
