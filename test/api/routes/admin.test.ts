import assert from 'node:assert/strict'
import { cpSync } from 'node:fs'
import { test } from 'node:test'
import type { ReadyResponse } from '../../../src/api/schemas.ts'
import { SPARK_MODELS_DIR } from '../../spark-models.ts'
import { modelsFolder, startApi } from '../fixtures.ts'

test('POST /admin/reload picks up models written after start', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    assert.equal((await api.post<ReadyResponse>('/admin/reload', {})).json.ready, false)
    cpSync(SPARK_MODELS_DIR, folder.dir, { recursive: true })
    const reloaded = await api.post<ReadyResponse>('/admin/reload', {})
    assert.equal(reloaded.status, 200)
    assert.equal(reloaded.json.ready, true)
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('POST /admin/reload is refused from a non-loopback client', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    const answer = await api.app.inject({ method: 'POST', url: '/admin/reload', remoteAddress: '192.0.2.7' })
    assert.equal(answer.statusCode, 403)
    assert.match(answer.json().error, /local machine only/)
  } finally {
    await api.close()
    folder.cleanup()
  }
})
