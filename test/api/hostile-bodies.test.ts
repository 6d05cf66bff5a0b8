// Bodies built to exhaust or confuse the server: millions of rows, deep nesting, prototype keys, a client that
// never finishes sending. Each is refused with a 4xx that says why, and the server keeps answering.
import assert from 'node:assert/strict'
import net from 'node:net'
import { after, before, test } from 'node:test'
import { MAX_JSON_DEPTH } from '../../src/api/json-body.ts'
import { type ErrorResponse, MAX_BATCH_ROWS } from '../../src/api/schemas.ts'
import { SEED_EXAMPLES } from '../../src/api/seed-examples.ts'
import { startUiServer, type UiServer } from '../../src/ui/server.ts'
import { modelsFolder, type RunningApi, startApi } from './fixtures.ts'

const folder = modelsFolder(false)
/** Short, for the stalled client; long enough for an 8 MB body through the UI's proxy on a busy machine. */
const REQUEST_TIMEOUT_MS = 3000
let api: RunningApi
let ui: UiServer
before(async () => {
  api = await startApi(folder.dir, { requestTimeoutMs: REQUEST_TIMEOUT_MS })
  ui = await startUiServer({ host: '127.0.0.1', port: 0, apiUrl: api.url, distDir: folder.dir })
})
after(async () => {
  await ui.close()
  await api.close()
  folder.cleanup()
})

/** The body: an 8 MB JSON array of about 2.7 million empty objects. */
const MILLIONS_OF_ROWS = `[${new Array(2_700_000).fill('{}').join(',')}]`

async function postJson(url: string, body: string): Promise<{ status: number; json: ErrorResponse }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  return { status: response.status, json: (await response.json()) as ErrorResponse }
}

async function assertAlive(base: string): Promise<void> {
  assert.equal((await fetch(`${base}/healthz`)).status, 200)
}

test('an 8 MB batch of 2.7 million empty rows is refused before validation; the server lives', async () => {
  assert.ok(MILLIONS_OF_ROWS.length < 8 * 1024 * 1024)
  for (const base of [api.url, `${ui.url}/api`]) {
    const answer = await postJson(`${base}/predict/traffic_density/batch`, MILLIONS_OF_ROWS)
    assert.equal(answer.status, 413, base)
    assert.match(answer.json.error, new RegExp(`a batch holds at most ${MAX_BATCH_ROWS} rows`))
    await assertAlive(base)
  }
})

test('a full batch of bad rows reports a bounded number of problems', async () => {
  const rows = JSON.stringify(new Array(MAX_BATCH_ROWS).fill({}))
  const answer = await postJson(`${api.url}/predict/traffic_density/batch`, rows)
  assert.equal(answer.status, 400)
  assert.equal(answer.json.details?.length, 50)
  assert.match(answer.json.error, /^Invalid input: row 0: City is missing .*\(50 or more problems in all\)$/)
})

test('bodies nested deeper than the limit are refused by name, at any size', async () => {
  const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`
  for (const [route, levels] of [
    ['/predict_traffic_density', 30_000],
    ['/predict/traffic_density/batch', 4_000_000],
    ['/predict_traffic_density', MAX_JSON_DEPTH + 1],
  ] as const) {
    const answer = await postJson(`${api.url}${route}`, deep(levels))
    assert.equal(answer.status, 400, `${route} ${levels}`)
    assert.match(answer.json.error, new RegExp(`nested too deeply: at most ${MAX_JSON_DEPTH} levels`))
  }
  await assertAlive(api.url)
})

test('a __proto__ or constructor.prototype key is refused as such, not called malformed JSON', async () => {
  const bodies = [
    '{"__proto__":{"isAdmin":true}}',
    `[${JSON.stringify(SEED_EXAMPLES.traffic_density)},{"constructor":{"prototype":{}}}]`,
    '{"City":{"\\u005f_proto__":1}}',
  ]
  for (const body of bodies) {
    const answer = await postJson(`${api.url}/predict/traffic_density/batch`, body)
    assert.equal(answer.status, 400, body)
    assert.match(
      answer.json.error,
      /^Forbidden key in the body: "__proto__", or "constructor" holding "prototype"/,
      body,
    )
  }
  const fine = await postJson(`${api.url}/predict_traffic_density`, '{"note":"constructor of __proto__"}')
  assert.doesNotMatch(fine.json.error, /Forbidden key/)
})

test('a client that stops sending its body is disconnected after the request timeout', {
  timeout: 10_000,
}, async () => {
  const { port } = new URL(api.url)
  const socket = net.connect(Number(port), '127.0.0.1')
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write('POST /predict_traffic_density HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n')
  socket.write('Content-Length: 100\r\n\r\n{"City":')
  let answer = ''
  socket.on('data', (chunk) => {
    answer += chunk
  })
  const closedAfter = await new Promise<number>((resolve) => {
    const started = Date.now()
    socket.once('close', () => resolve(Date.now() - started))
  })
  assert.match(answer, /^HTTP\/1.1 408/)
  assert.ok(closedAfter >= REQUEST_TIMEOUT_MS, `closed after ${closedAfter} ms`)
  await assertAlive(api.url)
})
