import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { startUiServer, type UiServer } from '../../src/ui/server.ts'

// The upstream here only records what reaches it: these tests are about forwarding, not about the API
// (test/web/ drives the UI against the real API).
let dist: string
let upstream: http.Server
let upstreamUrl: string
let ui: UiServer
const seen: { method?: string; url?: string; body: string; headers: http.IncomingHttpHeaders }[] = []

before(async () => {
  dist = await mkdtemp(path.join(tmpdir(), 'ui-dist-'))
  await mkdir(path.join(dist, 'assets'))
  await writeFile(path.join(dist, 'index.html'), '<!doctype html><title>app</title>')
  await writeFile(path.join(dist, 'assets', 'app-abc123.js'), 'console.log(1)')
  await writeFile(path.join(tmpdir(), 'ui-secret.txt'), 'secret')
  upstream = http.createServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, body, headers: request.headers })
      response.writeHead(request.url?.endsWith('/bad') ? 400 : 200, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
      })
      response.end(JSON.stringify({ echoed: body }))
    })
  })
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/base`
  ui = await startUiServer({ host: '127.0.0.1', port: 0, apiUrl: upstreamUrl, distDir: dist })
})

after(async () => {
  await ui.close()
  await new Promise((resolve) => upstream.close(resolve))
  await rm(dist, { recursive: true, force: true })
  await rm(path.join(tmpdir(), 'ui-secret.txt'), { force: true })
})

test('serves the built app: index.html uncached, hashed assets cached for good, with security headers', async () => {
  const index = await fetch(`${ui.url}/`)
  assert.equal(index.status, 200)
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8')
  assert.equal(index.headers.get('cache-control'), 'no-cache')
  assert.match(index.headers.get('content-security-policy') ?? '', /default-src 'self'/)
  assert.equal(await index.text(), '<!doctype html><title>app</title>')
  const asset = await fetch(`${ui.url}/assets/app-abc123.js`)
  assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8')
  assert.match(asset.headers.get('cache-control') ?? '', /immutable/)
  assert.equal((await fetch(`${ui.url}/assets/app-abc123.js`, { method: 'HEAD' })).status, 200)
})

test('tells the app where the API is', async () => {
  const response = await fetch(`${ui.url}/config.json`)
  assert.deepEqual(await response.json(), { apiUrl: upstreamUrl })
})

/** GET with the path sent byte for byte (fetch would normalise `..` away before sending). */
function rawGet(base: string, rawPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(`${base}/`, { path: rawPath }, (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      .on('error', reject)
  })
}

test('nothing outside the build is served; unknown paths are 404, other methods 405', async () => {
  for (const raw of [
    '/../ui-secret.txt',
    '/..%2fui-secret.txt',
    '/assets/..%2f..%2fui-secret.txt',
    '/missing.js',
  ]) {
    assert.equal(await rawGet(ui.url, raw), 404, raw)
  }
  assert.equal(await rawGet(ui.url, '/%E0%A4%A'), 400)
  assert.equal((await fetch(`${ui.url}/`, { method: 'DELETE' })).status, 405)
})

test('forwards /api/* to the API with method, path, query and body; passes its status and JSON back', async () => {
  seen.length = 0
  const response = await fetch(`${ui.url}/api/predict/x/batch?limit=2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: 'session=1' },
    body: '[{"City":"AquaCity"}]',
  })
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { echoed: '[{"City":"AquaCity"}]' })
  assert.equal(response.headers.get('access-control-allow-origin'), null)
  assert.equal(seen[0]?.method, 'POST')
  assert.equal(seen[0]?.url, '/base/predict/x/batch?limit=2')
  assert.equal(seen[0]?.headers['content-type'], 'application/json')
  assert.equal(seen[0]?.headers.cookie, undefined)
  assert.equal((await fetch(`${ui.url}/api/bad`)).status, 400)
  await fetch(`${ui.url}/api`)
  assert.equal(seen.at(-1)?.url, '/base/')
})

test('an API that is down gives 502 with a message naming its address', async () => {
  const closed = http.createServer()
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
  const port = (closed.address() as AddressInfo).port
  await new Promise((resolve) => closed.close(resolve))
  const orphan = await startUiServer({
    host: '127.0.0.1',
    port: 0,
    apiUrl: `http://127.0.0.1:${port}`,
    distDir: dist,
  })
  try {
    const response = await fetch(`${orphan.url}/api/`)
    assert.equal(response.status, 502)
    const body = (await response.json()) as { error: string }
    assert.match(
      body.error,
      new RegExp(`API at http://127.0.0.1:${port} is not reachable \\(ECONNREFUSED\\)`),
    )
  } finally {
    await orphan.close()
  }
})

test('a port in use is a clear error', async () => {
  const port = Number(new URL(ui.url).port)
  await assert.rejects(
    startUiServer({ host: '127.0.0.1', port, apiUrl: upstreamUrl, distDir: dist }),
    (e) => isTrafficError(e, 'PORT_IN_USE') && e.message.includes(String(port)),
  )
})
