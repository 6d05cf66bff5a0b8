import assert from 'node:assert/strict'
import { test } from 'node:test'
import { modelsFolder, startApi } from '../fixtures.ts'

interface OpenApiDocument {
  openapi: string
  paths: Record<
    string,
    Record<string, { requestBody?: { content: Record<string, { schema: { required?: string[] } }> } }>
  >
}

test('the OpenAPI document lists every endpoint with its request contract, and /docs serves the page', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    const { status, json } = await api.get<OpenApiDocument>('/openapi.json')
    assert.equal(status, 200)
    assert.match(json.openapi, /^3\./)
    for (const route of [
      '/',
      '/predict_traffic_density',
      '/predict_is_peak_hour',
      '/predict_energy_consumption',
      '/predict/traffic_density/batch',
      '/models',
      '/models/versions',
      '/analytics',
      '/healthz',
      '/readyz',
      '/admin/reload',
    ]) {
      assert.ok(json.paths[route], `missing ${route}`)
    }
    const body = json.paths['/predict_is_peak_hour']?.post?.requestBody?.content['application/json']?.schema
    assert.equal(body?.required?.length, 10)
    assert.ok(!body?.required?.includes('Is Peak Hour'))
    const page = await api.get('/docs')
    assert.equal(page.status, 200)
    assert.match(page.text, /swagger-ui/i)
  } finally {
    await api.close()
    folder.cleanup()
  }
})
