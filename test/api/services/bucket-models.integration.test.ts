// `traffic serve` with its models on object storage (a real S3Proxy): the API copies the published version into
// its cache, loads it from there, and swaps in a newly published version — found by polling the pointer with
// conditional GETs — while clients keep predicting, with no failed request.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { SEED_EXAMPLES } from '../../../src/api/seed-examples.ts'
import { REPORT_FILE } from '../../../src/contract/models.ts'
import { openStore } from '../../../src/storage/open-store.ts'
import { bucketModels, POINTER_KEY } from '../../../src/training/models-bucket.ts'
import type { PublishedModels } from '../../../src/training/models-publisher.ts'
import { SPARK_MODELS_DIR } from '../../spark-models.ts'
import { type RunningS3Proxy, startS3Proxy } from '../../storage/s3proxy-fixture.ts'
import { startApi } from '../fixtures.ts'

let s3proxy: RunningS3Proxy
const cacheDir = mkdtempSync(path.join(tmpdir(), 'api-models-cache-'))
before(async () => {
  s3proxy = await startS3Proxy()
})
after(async () => {
  await s3proxy?.stop()
  rmSync(cacheDir, { recursive: true, force: true })
})

/** Publishes the Spark-trained models as a new version whose report says `tag`; returns the version id. */
async function publishTrainedModels(models: PublishedModels, tag: string): Promise<string> {
  const staging = await models.stage()
  const files = readdirSync(SPARK_MODELS_DIR, { recursive: true, withFileTypes: true }).filter((entry) =>
    entry.isFile(),
  )
  for (const entry of files) {
    const file = path.join(entry.parentPath, entry.name)
    const name = path.relative(SPARK_MODELS_DIR, file).split(path.sep).join('/')
    const report = { ...JSON.parse(readFileSync(path.join(SPARK_MODELS_DIR, REPORT_FILE), 'utf8')), tag }
    await staging.write(name, name === REPORT_FILE ? JSON.stringify(report) : readFileSync(file))
  }
  assert.equal(await models.publish(staging, await models.current()), true)
  return staging.id
}

function reportTag(report: unknown): unknown {
  return (report as { tag?: unknown } | null)?.tag
}

test('the API serves the models published on s3:// from its cache and swaps to a new version with no failed request', async () => {
  const location = `s3://${s3proxy.bucket}/served`
  const models = bucketModels(location, s3proxy.settings)
  const first = await publishTrainedModels(models, 'first')
  const api = await startApi(location, {
    watchDebounceMs: 50,
    bucketModels: { s3: s3proxy.settings, cacheDir, pollMs: 50 },
  })
  try {
    assert.equal(reportTag(api.app.models.state.report), 'first')
    assert.deepEqual(readdirSync(cacheDir), [first])
    const before = api.app.models.slot('traffic_density')?.model
    assert.ok(before, 'loaded from the cache')

    // An unchanged pointer is answered 304, no body: what each poll costs.
    const store = openStore('TRAFFIC_MODELS', location, s3proxy.settings)
    const pointer = await store.get(POINTER_KEY)
    assert.ok(pointer)
    assert.equal(await store.getIfChanged(POINTER_KEY, pointer.version), 'unchanged')

    const statuses = new Map<number, number>()
    let afterSwap = 0
    const deadline = Date.now() + 120_000
    const client = async () => {
      // Until 20 answers came from the new version (or the deadline, which then fails the test below).
      while (afterSwap < 20 && Date.now() < deadline) {
        const swapped = reportTag(api.app.models.state.report) === 'second'
        const answer = await api.post('/predict_traffic_density', SEED_EXAMPLES.traffic_density)
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1)
        if (swapped) afterSwap++
      }
    }
    const clients = [client(), client()]
    const second = await publishTrainedModels(models, 'second')
    await Promise.all(clients)

    assert.equal(reportTag(api.app.models.state.report), 'second', 'the new version is in service')
    assert.deepEqual([...statuses.keys()], [200], `answers by status: ${[...statuses]}`)
    assert.notEqual(api.app.models.slot('traffic_density')?.model, before, 'read from the new version')
    assert.deepEqual(readdirSync(cacheDir), [second], 'the version no longer served left the cache')
  } finally {
    await api.close()
  }
})
