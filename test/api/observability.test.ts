import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SEED_EXAMPLES } from '../../src/api/seed-examples.ts'
import { modelsFolder, startApi } from './fixtures.ts'

test('GET /metrics exposes request latency per route and status, model state and process metrics', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    await api.post('/predict_is_peak_hour', { City: 'Atlantis' })
    await api.post('/predict_is_peak_hour', SEED_EXAMPLES.is_peak_hour)
    const { status, text, headers } = await api.get('/metrics')
    assert.equal(status, 200)
    assert.match(headers.get('content-type') ?? '', /^text\/plain/)
    assert.match(
      text,
      /http_request_duration_seconds_count\{method="POST",route="\/predict_is_peak_hour",status_code="400"\} 1/,
    )
    assert.match(
      text,
      /http_request_duration_seconds_count\{method="POST",route="\/predict_is_peak_hour",status_code="503"\} 1/,
    )
    assert.match(text, /traffic_model_loaded\{model="is_peak_hour"\} 0/)
    assert.match(text, /process_cpu_seconds_total/)
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('predictions are counted per model, batch rows included', async () => {
  const folder = modelsFolder(true)
  const api = await startApi(folder.dir)
  try {
    await api.post('/predict_traffic_density', SEED_EXAMPLES.traffic_density)
    await api.post('/predict/traffic_density/batch', [
      SEED_EXAMPLES.traffic_density,
      SEED_EXAMPLES.traffic_density,
    ])
    const { text } = await api.get('/metrics')
    assert.match(text, /traffic_predictions_total\{model="traffic_density"\} 3/)
    assert.match(text, /traffic_model_loaded\{model="traffic_density"\} 1/)
  } finally {
    await api.close()
    folder.cleanup()
  }
})
