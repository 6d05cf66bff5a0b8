// Cross-cutting behaviour of the app: CORS only for the UI, body size limits, unknown routes and wrong methods
// (openapi-fuzz.test.ts shows that no client input makes the server answer 500).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { BODY_LIMIT_BYTES, type ErrorResponse } from '../../src/api/schemas.ts'
import { SEED_EXAMPLES } from '../../src/api/seed-examples.ts'
import { modelsFolder, type RunningApi, startApi, UI_ORIGIN } from './fixtures.ts'

const folder = modelsFolder(false)
let api: RunningApi
before(async () => {
  api = await startApi(folder.dir)
})
after(async () => {
  await api.close()
  folder.cleanup()
})

test('CORS headers go to the UI origin only', async () => {
  const preflight = (origin: string) =>
    fetch(`${api.url}/predict_is_peak_hour`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    })
  const ui = await preflight(UI_ORIGIN)
  assert.equal(ui.headers.get('access-control-allow-origin'), UI_ORIGIN)
  const other = await preflight('http://evil.example')
  assert.equal(other.headers.get('access-control-allow-origin'), null)
  const simple = await api.get('/', { origin: UI_ORIGIN })
  assert.equal(simple.headers.get('access-control-allow-origin'), UI_ORIGIN)
})

test('a body over the limit is 413 with a JSON error, not 500', async () => {
  const huge = { ...SEED_EXAMPLES.is_peak_hour, padding: 'x'.repeat(BODY_LIMIT_BYTES) }
  const answer = await api.post<ErrorResponse>('/predict_is_peak_hour', huge)
  assert.equal(answer.status, 413)
  assert.match(answer.json.error, /too large/)
})

test('a body that is not JSON is refused with a 4xx JSON error', async () => {
  const xml = await api.post<ErrorResponse>('/predict_is_peak_hour', '<record/>', {
    'content-type': 'application/xml',
  })
  assert.equal(xml.status, 415)
  assert.match(xml.json.error, /Content-Type: application\/json/)
})

test('unknown routes are 404 with a JSON error pointing at the docs', async () => {
  const answer = await api.get<ErrorResponse>('/predict_weather')
  assert.equal(answer.status, 404)
  assert.match(answer.json.error, /No route GET \/predict_weather; see \/docs/)
})

test('a known route called with the wrong method is 405 with an Allow header', async () => {
  const answer = await api.get<ErrorResponse>('/predict_traffic_density')
  assert.equal(answer.status, 405)
  assert.equal(answer.headers.get('allow'), 'POST')
  assert.match(answer.json.error, /GET is not allowed on \/predict_traffic_density; allowed: POST/)
  const put = await fetch(`${api.url}/models?x=1`, { method: 'PUT' })
  assert.equal(put.status, 405)
  assert.equal(put.headers.get('allow'), 'GET, HEAD')
  assert.equal((await fetch(`${api.url}/predict_weather`, { method: 'DELETE' })).status, 404)
})
