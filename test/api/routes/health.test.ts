import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ReadyResponse } from '../../../src/api/schemas.ts'
import { modelsFolder, startApi } from '../fixtures.ts'

test('healthz is always ok; readyz is 503 with the reason per model until the models are loaded', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    assert.deepEqual((await api.get('/healthz')).json, { status: 'ok' })
    const ready = await api.get<ReadyResponse>('/readyz')
    assert.equal(ready.status, 503)
    assert.equal(ready.json.ready, false)
    assert.deepEqual(Object.keys(ready.json.models), [
      'traffic_density',
      'is_peak_hour',
      'energy_consumption',
    ])
    assert.match(ready.json.models.is_peak_hour?.error ?? '', /no saved model in .*peak_hour_model/)
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('readyz is 200 once the three models are loaded', async () => {
  const folder = modelsFolder(true)
  const api = await startApi(folder.dir)
  try {
    const ready = await api.get<ReadyResponse>('/readyz')
    assert.equal(ready.status, 200)
    assert.equal(ready.json.ready, true)
    for (const status of Object.values(ready.json.models))
      assert.deepEqual(status, { loaded: true, error: null })
  } finally {
    await api.close()
    folder.cleanup()
  }
})
