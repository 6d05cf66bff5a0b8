// Property-based fuzzing generated from the API's own OpenAPI document: for every operation, valid bodies built
// from its request schema, the same bodies broken (missing fields, wrong types, values beyond the ranges, extra
// and forbidden keys), huge and deeply nested bodies, other content types, and every other method on its path.
// Properties: no answer is ≥ 500, every answer of an operation is a status its document lists (404/405 for
// wrong methods), every error is JSON `{"error": …}`, and the server answers /healthz after each batch.
// Seeded, so a failure names the seed and the request that reproduce it.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { MAX_BATCH_ROWS } from '../../src/api/schemas.ts'
import { modelsFolder, type RunningApi, startApi } from './fixtures.ts'

interface Schema {
  type?: string
  enum?: unknown[]
  minimum?: number
  maximum?: number
  properties?: Record<string, Schema>
  items?: Schema
  maxItems?: number
}

interface Operation {
  method: string
  path: string
  body: Schema | undefined
  statuses: Set<number>
  /** Answers with an event stream, which never ends (GET /live/events). */
  streams: boolean
}

interface Fuzzed {
  method: string
  url: string
  headers: Record<string, string>
  payload?: string
  /** Statuses the answer may have. */
  allowed: Set<number>
}

const SEED = 20261130
const ROUNDS_PER_OPERATION = 220
const BATCH = 100
const ODD_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'SEARCH']

/** mulberry32: small, fast, and the same sequence for the same seed. */
function generator(seed: number) {
  let state = seed >>> 0
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number): number => Math.floor(next() * n)
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T
  return { next, int, pick }
}
type Random = ReturnType<typeof generator>

function operationsOf(document: {
  paths: Record<string, Record<string, Record<string, unknown>>>
}): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations).map(([method, operation]) => {
      const body = (operation.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)
        ?.content?.['application/json']?.schema
      const responses = operation.responses as Record<string, { content?: Record<string, unknown> }>
      return {
        method: method.toUpperCase(),
        path,
        body,
        statuses: new Set(Object.keys(responses).map(Number)),
        streams: responses['200']?.content?.['text/event-stream'] !== undefined,
      }
    }),
  )
}

/** A value the schema accepts. */
function valid(schema: Schema, random: Random): unknown {
  if (schema.enum) return random.pick(schema.enum)
  const min = schema.minimum ?? 0
  const max = schema.maximum ?? 1000
  switch (schema.type) {
    case 'integer':
      return min + random.int(max - min + 1)
    case 'number':
      return random.next() < 0.1 ? random.pick([min, max]) : min + random.next() * (max - min)
    case 'string':
      return 'text'
    case 'array':
      return Array.from({ length: random.int(20) }, () => valid(schema.items as Schema, random))
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([name, property]) => [name, valid(property, random)]),
      )
    default:
      return null
  }
}

const WRONG_VALUES = [
  null,
  true,
  '',
  '8',
  'x'.repeat(5000),
  -1,
  -1e-9,
  0.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  [],
  [1, 2],
  {},
  { nested: { deeper: [1] } },
]

/** A record of the schema with one to three fields broken, removed, or joined by odd keys. */
function brokenRecord(schema: Schema, random: Random): Record<string, unknown> {
  const record = valid(schema, random) as Record<string, unknown>
  const names = Object.keys(schema.properties ?? {})
  for (let k = 1 + random.int(3); k > 0; k--) {
    const name = random.pick(names)
    const property = schema.properties?.[name] as Schema
    switch (random.int(5)) {
      case 0:
        delete record[name]
        break
      case 1:
        record[name] = random.pick(WRONG_VALUES)
        break
      case 2:
        record[name] = (property.maximum ?? 1e6) + random.pick([1e-6, 1, 1e7, 1e300])
        break
      case 3:
        record[random.pick(['extra', 'City ', 'speed', '\u0000', '💥'])] = random.pick(WRONG_VALUES)
        break
      default:
        record[name] = random.pick(['Atlantis', 'monday', 'CAR', '23'])
    }
  }
  return record
}

function deep(levels: number, random: Random): string {
  const [open, close] = random.pick([
    ['[', ']'],
    ['{"a":', '}'],
  ] as const)
  return `${open.repeat(levels)}1${close.repeat(levels)}`
}

/** One fuzzed body for an operation that takes JSON, as text. */
function fuzzedBody(schema: Schema, random: Random): string {
  const record = schema.type === 'array' ? (schema.items as Schema) : schema
  const shaped = (value: () => unknown) =>
    JSON.stringify(schema.type === 'array' ? Array.from({ length: 1 + random.int(5) }, value) : value())
  switch (random.int(12)) {
    case 0:
    case 1:
    case 2:
      return JSON.stringify(valid(schema, random))
    case 3:
    case 4:
    case 5:
      return shaped(() => brokenRecord(record, random))
    case 6:
      return JSON.stringify(random.pick(WRONG_VALUES))
    case 7:
      return deep(random.pick([3, 17, 100, 5000]), random)
    case 8:
      return shaped(() => ({ ...brokenRecord(record, random), ['__proto__']: { admin: true } })).replace(
        '"__proto__"',
        random.pick(['"__proto__"', '"constructor"', '"\\u005f_proto__"']),
      )
    case 9:
      // Longer than any batch: refused before validation whatever the route.
      return random.next() < 0.2 ? `[${new Array(MAX_BATCH_ROWS + 1).fill('{}').join(',')}]` : '[{},{}]'
    case 10: {
      const text = JSON.stringify(valid(schema, random))
      return text.slice(0, random.int(text.length))
    }
    default:
      return random.pick(['', ' ', 'null', 'nul', '{"a":1,}', '\u0000\u0001', '{"City":"\ud800"}', '1e999'])
  }
}

function fuzzedRequest(operation: Operation, operations: Operation[], random: Random): Fuzzed {
  const roll = random.int(10)
  if (roll === 0) {
    const method = random.pick(ODD_METHODS)
    const sameMethod = operations.some((other) => other.path === operation.path && other.method === method)
    if (!sameMethod) {
      // HEAD answers like GET; OPTIONS is the CORS preflight on every path (400 without its headers).
      const allowed = new Set(
        method === 'OPTIONS' ? [204, 400] : method === 'HEAD' ? [200, 404, 405, 503] : [405],
      )
      return { method, url: operation.path, headers: {}, allowed }
    }
  }
  if (roll === 1) {
    return {
      method: operation.method,
      url: `${operation.path}${random.pick(['/', '/x', '%00', '/%2e%2e/x', '%ZZ'])}`,
      headers: {},
      allowed: new Set([400, 404, 405]),
    }
  }
  const url = `${operation.path}${random.next() < 0.1 ? '?q=%ZZ&a[b]=1' : ''}`
  if (!operation.body) return { method: operation.method, url, headers: {}, allowed: operation.statuses }
  const contentType =
    random.next() < 0.9 ? 'application/json' : random.pick(['text/plain', 'application/xml', ''])
  return {
    method: operation.method,
    url,
    headers: contentType ? { 'content-type': contentType } : {},
    payload: fuzzedBody(operation.body, random),
    allowed: operation.statuses,
  }
}

const folder = modelsFolder(true)
let api: RunningApi
let app: FastifyInstance
before(async () => {
  api = await startApi(folder.dir)
  app = api.app
})
after(async () => {
  await api.close()
  folder.cleanup()
})

interface Answer {
  statusCode: number
  body: string
  json(): { error?: unknown }
}

/** An event stream never ends, so app.inject() would wait forever: over real HTTP, take the status and hang up. */
async function openStream(url: string, request: Fuzzed): Promise<Answer> {
  const hangUp = new AbortController()
  const response = await fetch(`${url}${request.url}`, {
    method: request.method,
    headers: request.headers,
    signal: hangUp.signal,
  })
  const body = response.ok ? '' : await response.text()
  hangUp.abort()
  return { statusCode: response.status, body, json: () => JSON.parse(body) }
}

test('every operation of the OpenAPI document survives fuzzing: no 5xx, only documented statuses', async () => {
  const operations = operationsOf(app.swagger() as unknown as Parameters<typeof operationsOf>[0])
  assert.ok(operations.length >= 12, `operations in the document: ${operations.length}`)
  const random = generator(SEED)
  const seen = new Map<string, number>()
  let sent = 0
  for (let round = 0; round < ROUNDS_PER_OPERATION; round++) {
    for (const operation of operations) {
      const request = fuzzedRequest(operation, operations, random)
      const streamed = operation.streams && ['GET', 'HEAD'].includes(request.method)
      const answer: Answer = streamed
        ? await openStream(api.url, request)
        : await app.inject({
            method: request.method as 'GET',
            url: request.url,
            headers: request.headers,
            ...(request.payload === undefined ? {} : { payload: request.payload }),
          })
      const shown = `seed ${SEED}, request ${sent}: ${request.method} ${request.url} ${request.payload?.slice(0, 200) ?? ''}`
      assert.ok(answer.statusCode < 500, `${answer.statusCode} ${answer.body.slice(0, 300)} for ${shown}`)
      assert.ok(request.allowed.has(answer.statusCode), `undocumented ${answer.statusCode} for ${shown}`)
      if (answer.statusCode >= 400 && request.method !== 'HEAD') {
        assert.equal(typeof answer.json().error, 'string', `JSON error for ${shown}`)
      }
      const key = `${request.method} ${operation.path} ${answer.statusCode}`
      seen.set(key, (seen.get(key) ?? 0) + 1)
      if (++sent % BATCH === 0) assert.equal((await app.inject('/healthz')).statusCode, 200)
    }
  }
  // Over real HTTP too: the server still answers.
  assert.equal((await fetch(`${api.url}/healthz`)).status, 200)
  assert.ok(sent >= 2500, `requests sent: ${sent}`)
  // The fuzzing reached both sides of every predict operation: answers and refusals.
  for (const operation of operations.filter((candidate) => candidate.path.includes('predict'))) {
    for (const status of [200, 400]) {
      assert.ok(seen.get(`POST ${operation.path} ${status}`), `${status} from ${operation.path}`)
    }
  }
})
