import assert from 'node:assert/strict'
import { rmSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import type { RootResponse } from '../../../src/api/schemas.ts'
import { modelsFolder, startApi } from '../fixtures.ts'

test('GET / answers the seed JSON with every model unloaded', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    const answer = await api.get<RootResponse>('/')
    assert.equal(answer.status, 200)
    assert.deepEqual(Object.keys(answer.json), ['status', 'message', 'models_status'])
    assert.equal(answer.json.status, 'API is running')
    assert.equal(typeof answer.json.message, 'string')
    assert.deepEqual(answer.json.models_status, {
      traffic_density_model_loaded: false,
      peak_hour_model_loaded: false,
      energy_consumption_model_loaded: false,
    })
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('GET / reports each model that is loaded', async () => {
  const folder = modelsFolder(true)
  rmSync(path.join(folder.dir, 'peak_hour_model'), { recursive: true })
  const api = await startApi(folder.dir)
  try {
    const answer = await api.get<RootResponse>('/')
    assert.deepEqual(answer.json.models_status, {
      traffic_density_model_loaded: true,
      peak_hour_model_loaded: false,
      energy_consumption_model_loaded: true,
    })
  } finally {
    await api.close()
    folder.cleanup()
  }
})
