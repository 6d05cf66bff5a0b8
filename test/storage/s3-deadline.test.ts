import assert from 'node:assert/strict'
import { createServer, type Socket } from 'node:net'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { isTrafficError } from '../../src/errors.ts'
import { S3Store } from '../../src/storage/s3-store.ts'

test('an S3 endpoint that accepts the connection and never answers fails the call at its deadline, naming the endpoint', async () => {
  const sockets: Socket[] = []
  const silent = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
  const address = silent.address()
  assert.ok(address && typeof address === 'object')
  const endpoint = `http://127.0.0.1:${address.port}`
  try {
    const { s3 } = loadConfig(
      {},
      {
        AWS_ENDPOINT_URL_S3: endpoint,
        AWS_ACCESS_KEY_ID: 'id',
        AWS_SECRET_ACCESS_KEY: 'never-printed',
        S3_REQUEST_TIMEOUT_MS: '300',
      },
    ).storage
    assert.equal(s3.requestTimeoutMs, 300)
    const store = new S3Store(s3, 'traffic', '')
    await assert.rejects(store.get('pointer'), (error: unknown) => {
      assert.ok(isTrafficError(error), String(error))
      assert.equal(error.code, 'STORAGE_ERROR')
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${address.port}`))
      assert.doesNotMatch(error.message, /never-printed/)
      return true
    })
    assert.ok(sockets.length > 0, 'the request reached the silent server')
  } finally {
    for (const socket of sockets) socket.destroy()
    silent.close()
  }
})

test('S3_REQUEST_TIMEOUT_MS must be a positive whole number of milliseconds', () => {
  for (const bad of ['0', '-5', '1.5', 'soon', '1e999'])
    assert.throws(
      () => loadConfig({}, { S3_REQUEST_TIMEOUT_MS: bad }),
      (error: unknown) => isTrafficError(error) && /S3_REQUEST_TIMEOUT_MS/.test(error.message),
      bad,
    )
})
