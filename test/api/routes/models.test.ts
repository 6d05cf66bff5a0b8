import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import type { ErrorResponse, ModelsResponse } from '../../../src/api/schemas.ts'
import { modelsFolder, startApi } from '../fixtures.ts'

test('without models: cards say not loaded and why; analytics is 404 with what to run', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    const models = await api.get<ModelsResponse>('/models')
    assert.equal(models.status, 200)
    assert.deepEqual(
      models.json.models.map((card) => [card.id, card.endpoint, card.loaded, card.uid]),
      [
        ['traffic_density', '/predict_traffic_density', false, null],
        ['is_peak_hour', '/predict_is_peak_hour', false, null],
        ['energy_consumption', '/predict_energy_consumption', false, null],
      ],
    )
    assert.match(models.json.models[0]?.error ?? '', /no saved model/)
    assert.equal(models.json.report, null)
    const analytics = await api.get<ErrorResponse>('/analytics')
    assert.equal(analytics.status, 404)
    assert.match(analytics.json.error, /traffic train/)
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('model cards describe the Spark models and carry report.json; analytics.json is served as is', async () => {
  const folder = modelsFolder(true)
  const report = { models: { traffic_density_model: { r2: 0.78 } }, trained_at: '2026-01-01T00:00:00Z' }
  const analytics = { density_by_weather: [{ weather: 'Clear', mean: 0.296 }] }
  writeFileSync(path.join(folder.dir, 'report.json'), JSON.stringify(report))
  writeFileSync(path.join(folder.dir, 'analytics.json'), JSON.stringify(analytics))
  const api = await startApi(folder.dir)
  try {
    const models = await api.get<ModelsResponse>('/models')
    assert.deepEqual(models.json.report, report)
    assert.deepEqual(
      models.json.models.map((card) => card.training),
      [{ r2: 0.78 }, null, null],
    )
    for (const card of models.json.models) {
      assert.equal(card.loaded, true)
      assert.match(card.uid ?? '', /\w+_[0-9a-f]{12}$/)
      assert.match(card.spark_version ?? '', /^\d+\.\d+\.\d+/)
      assert.ok(card.stages.length >= 2)
      assert.ok(card.trees >= 1 && card.nodes >= card.trees, `${card.trees} trees, ${card.nodes} nodes`)
      assert.match(card.stages.at(-1) ?? '', /^org\.apache\.spark\.ml\.(regression|classification)\./)
      assert.equal(card.features.length, 10)
      assert.ok(!card.features.includes(card.target))
      assert.ok(Date.parse(card.loaded_at ?? '') > 0)
    }
    assert.deepEqual((await api.get('/analytics')).json, analytics)
  } finally {
    await api.close()
    folder.cleanup()
  }
})
