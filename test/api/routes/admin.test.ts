import assert from 'node:assert/strict'
import { cpSync } from 'node:fs'
import { test } from 'node:test'
import type { ErrorResponse, ReadyResponse } from '../../../src/api/schemas.ts'
import { SPARK_MODELS_DIR } from '../../spark-models.ts'
import { ADMIN_HEADERS, ADMIN_TOKEN, modelsFolder, startApi } from '../fixtures.ts'

test('POST /admin/reload with the token picks up models written after start', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    assert.equal((await api.post<ReadyResponse>('/admin/reload', {}, ADMIN_HEADERS)).json.ready, false)
    cpSync(SPARK_MODELS_DIR, folder.dir, { recursive: true })
    const reloaded = await api.post<ReadyResponse>('/admin/reload', {}, ADMIN_HEADERS)
    assert.equal(reloaded.status, 200)
    assert.equal(reloaded.json.ready, true)
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('admin routes refuse a missing or wrong token with 401, from anywhere, body or not', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    const refusals = [
      await api.post<ErrorResponse>('/admin/reload', {}),
      await api.post<ErrorResponse>('/admin/reload', {}, { authorization: 'Bearer wrong' }),
      await api.post<ErrorResponse>('/admin/reload', {}, { authorization: `Bearer ${ADMIN_TOKEN}x` }),
      await api.post<ErrorResponse>('/admin/reload', {}, { authorization: ADMIN_TOKEN }),
    ]
    for (const answer of refusals) {
      assert.equal(answer.status, 401)
      assert.match(answer.json.error, /Authorization: Bearer <API_ADMIN_TOKEN>/)
    }
    // The body-less cross-site form post of the issue.
    const bodyless = await fetch(`${api.url}/admin/reload`, { method: 'POST' })
    assert.equal(bodyless.status, 401)
    assert.equal(bodyless.headers.get('www-authenticate'), 'Bearer')
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('without API_ADMIN_TOKEN the admin routes are off (403), even with a token', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir, { adminToken: undefined })
  try {
    const answer = await api.post<ErrorResponse>('/admin/reload', {}, ADMIN_HEADERS)
    assert.equal(answer.status, 403)
    assert.match(answer.json.error, /Admin routes are off: start the API with API_ADMIN_TOKEN set/)
  } finally {
    await api.close()
    folder.cleanup()
  }
})
