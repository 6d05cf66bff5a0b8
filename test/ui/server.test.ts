import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { PUBLIC_ROUTES } from '../../src/api/public-routes.ts'
import { isTrafficError } from '../../src/errors.ts'
import { httpUrlOf } from '../../src/http-url.ts'
import { startUiServer, type UiServer } from '../../src/ui/server.ts'

// The upstream here only records what reaches it: these tests are about forwarding, not about the API
// (test/web/ drives the UI against the real API).
let dist: string
let upstream: http.Server
let upstreamUrl: string
let ui: UiServer
const seen: { method?: string; url?: string; body: string; headers: http.IncomingHttpHeaders }[] = []

/** A Server-Sent Events stream that sends one event now and one when `releaseSecondEvent` is called. */
let releaseSecondEvent = (): void => {}
function streamEvents(response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  response.write('data: first\n\n')
  releaseSecondEvent = () => response.end('data: second\n\n')
}

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
      if (request.url === '/base/live/events') return streamEvents(response)
      response.writeHead(request.url?.endsWith('/readyz') ? 503 : 200, {
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
  const response = await fetch(`${ui.url}/api/predict/traffic_density/batch?limit=2`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: 'session=1' },
    body: '[{"City":"AquaCity"}]',
  })
  assert.equal(response.status, 200)
  assert.deepEqual(await response.json(), { echoed: '[{"City":"AquaCity"}]' })
  assert.equal(response.headers.get('access-control-allow-origin'), null)
  assert.equal(seen[0]?.method, 'POST')
  assert.equal(seen[0]?.url, '/base/predict/traffic_density/batch?limit=2')
  assert.equal(seen[0]?.headers['content-type'], 'application/json')
  assert.equal(seen[0]?.headers.cookie, undefined)
  assert.equal((await fetch(`${ui.url}/api/readyz`)).status, 503)
  await fetch(`${ui.url}/api`)
  assert.equal(seen.at(-1)?.url, '/base/')
})

test('only the public routes are forwarded: admin and unknown paths 404, wrong methods 405', async () => {
  seen.length = 0
  const admin = await fetch(`${ui.url}/api/admin/reload`, { method: 'POST' })
  assert.equal(admin.status, 404)
  assert.match(((await admin.json()) as { error: string }).error, /\/admin\/reload is not a public API route/)
  assert.equal((await fetch(`${ui.url}/api/metrics`)).status, 404)
  assert.equal(
    (await fetch(`${ui.url}/api/predict/traffic_density/../../admin/reload`, { method: 'POST' })).status,
    404,
  )
  const wrongMethod = await fetch(`${ui.url}/api/models`, { method: 'DELETE' })
  assert.equal(wrongMethod.status, 405)
  assert.equal(wrongMethod.headers.get('allow'), 'GET')
  assert.equal(seen.length, 0, 'nothing refused reached the API')
  for (const route of PUBLIC_ROUTES) {
    const answer = await fetch(`${ui.url}/api${route.path}`, {
      method: route.method,
      ...(route.method === 'POST' ? { body: '{}', headers: { 'content-type': 'application/json' } } : {}),
    })
    if (route.stream) {
      releaseSecondEvent()
    }
    await answer.arrayBuffer()
  }
  assert.deepEqual(
    seen.map((request) => `${request.method} ${request.url}`),
    PUBLIC_ROUTES.map((route) => `${route.method} /base${route.path}`),
  )
})

test('Server-Sent Events stream through the forwarder: an event arrives before the stream ends', async () => {
  const response = await fetch(`${ui.url}/api/live/events`)
  assert.equal(response.headers.get('content-type'), 'text/event-stream')
  const reader = (response.body as ReadableStream<Uint8Array>).getReader()
  const first = await reader.read()
  assert.equal(new TextDecoder().decode(first.value), 'data: first\n\n')
  releaseSecondEvent()
  let rest = ''
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    rest += new TextDecoder().decode(chunk.value)
  }
  assert.equal(rest, 'data: second\n\n')
})

test('an IPv6 loopback address works for the UI and for the API it forwards to', async () => {
  const api = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{"via":"ipv6"}')
  })
  await new Promise<void>((resolve) => api.listen(0, '::1', resolve))
  const apiUrl = httpUrlOf('::1', (api.address() as AddressInfo).port)
  const v6 = await startUiServer({ host: '::1', port: 0, apiUrl, distDir: dist })
  try {
    assert.match(v6.url, /^http:\/\/\[::1\]:\d+$/)
    assert.deepEqual(await (await fetch(`${v6.url}/api/healthz`)).json(), { via: 'ipv6' })
  } finally {
    await v6.close()
    await new Promise((resolve) => api.close(resolve))
  }
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
