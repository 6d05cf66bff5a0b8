import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startApiServer } from '../../src/api/server.ts'
import { loadConfig } from '../../src/config.ts'
import { modelsFolder } from './fixtures.ts'

test('an IPv6 API_HOST works: the config loads, the API listens and its URL has brackets', async () => {
  const folder = modelsFolder(false)
  const config = loadConfig({ apiPort: 0, models: folder.dir }, { API_HOST: '::1', API_LOG_LEVEL: 'silent' })
  assert.equal(config.ui.apiUrl, 'http://[::1]:0')
  const { app, url } = await startApiServer(config, { watch: false })
  try {
    assert.match(url, /^http:\/\/\[::1\]:\d+$/)
    assert.equal((await fetch(`${url}/healthz`)).status, 200)
  } finally {
    await app.close()
    folder.cleanup()
  }
})

test('the admin token and the request timeout come from the environment', () => {
  const config = loadConfig({}, { API_ADMIN_TOKEN: 's3cret', API_REQUEST_TIMEOUT_MS: '5000' })
  assert.equal(config.api.adminToken, 's3cret')
  assert.equal(config.api.requestTimeoutMs, 5000)
  const empty = loadConfig({}, { API_ADMIN_TOKEN: '' })
  assert.equal(empty.api.adminToken, undefined, 'an empty token leaves admin off')
  assert.throws(
    () => loadConfig({}, { API_REQUEST_TIMEOUT_MS: 'soon' }),
    /API_REQUEST_TIMEOUT_MS must be an integer/,
  )
})
