// The API follows training's publication: the models link switched to a new version is noticed and reloaded, and
// requests keep their answers throughout (the watcher sees the switch, the registry reads one version per load).
import assert from 'node:assert/strict'
import { cpSync, rmSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { SEED_EXAMPLES } from '../../../src/api/seed-examples.ts'
import { createStaging, currentVersion, publish } from '../../../src/training/models-folder.ts'
import { SPARK_MODELS_DIR } from '../../spark-models.ts'
import { modelsFolder, startApi } from '../fixtures.ts'

/** Publishes a copy of the trained models, less the `without` model folders, as training does. */
async function publishCopy(models: string, without: string[] = []): Promise<void> {
  const staging = await createStaging(models)
  cpSync(SPARK_MODELS_DIR, staging, { recursive: true })
  for (const folder of without) rmSync(path.join(staging, folder), { recursive: true })
  assert.ok(await publish(staging, models, await currentVersion(models)))
}

test('a new version published by switching the models link is noticed and served', async () => {
  const folder = modelsFolder(false)
  const models = path.join(folder.dir, 'spark_models_traffic')
  await publishCopy(models)
  const api = await startApi(models, { watchDebounceMs: 50 })
  try {
    assert.equal((await api.post('/predict_is_peak_hour', SEED_EXAMPLES.is_peak_hour)).status, 200)
    const density = api.app.models.slot('traffic_density')?.model
    await publishCopy(models, ['peak_hour_model'])
    const deadline = Date.now() + 15_000
    while (api.app.models.slot('is_peak_hour')?.model !== null && Date.now() < deadline) await sleep(20)
    assert.equal(
      api.app.models.slot('is_peak_hour')?.model,
      null,
      'the new version (without it) is in service',
    )
    assert.equal((await api.post('/predict_is_peak_hour', SEED_EXAMPLES.is_peak_hour)).status, 503)
    assert.notEqual(api.app.models.slot('traffic_density')?.model, density, 'read from the new version')
    assert.equal((await api.post('/predict_traffic_density', SEED_EXAMPLES.traffic_density)).status, 200)
  } finally {
    await api.close()
    folder.cleanup()
  }
})
