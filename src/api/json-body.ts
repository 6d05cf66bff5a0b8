// The JSON body parser of every route. Bounds the work a body can cause before anything else looks at it: one
// linear scan refuses bodies nested too deeply and arrays longer than any batch may be (a few MB of `{},` are
// millions of rows; validating them would exhaust the heap), then JSON.parse, then keys that could reach an
// object's prototype are refused by secure-json-parse's scan (the check Fastify's own parser runs). Fastify's parser
// itself is not used: it answers a poisoned body as "not valid JSON", where ours says which problem it is.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scan } from 'secure-json-parse'
import { MAX_BATCH_ROWS } from './schemas.ts'

/** Deepest nesting of arrays/objects a body may have; ours need 2 (a batch of records). */
export const MAX_JSON_DEPTH = 16

/** `__proto__` anywhere, and `constructor` holding `prototype`, are refused. */
const POISONED_KEYS = { protoAction: 'error', constructorAction: 'error' } as const

/** A body refused before it reaches the route; the error handler sends `{"error": message}` with `statusCode`. */
export class BodyError extends Error {
  readonly statusCode: number
  constructor(statusCode: number, message: string) {
    super(message)
    this.statusCode = statusCode
  }
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const OPEN_ARRAY = 0x5b
const OPEN_OBJECT = 0x7b
const CLOSE_ARRAY = 0x5d
const CLOSE_OBJECT = 0x7d
const WHITESPACE: ReadonlySet<number> = new Set([0x20, 0x09, 0x0a, 0x0d])

interface Shape {
  /** Deepest nesting seen, stopping at the first level beyond MAX_JSON_DEPTH. */
  depth: number
  /** Items of the top-level array (0 when the body is not an array), stopping past MAX_BATCH_ROWS. */
  topLevelItems: number
}

/** Nesting depth and top-level array length of a JSON text, without parsing it (strings are skipped). */
export function scanShape(text: string): Shape {
  let depth = 0
  let deepest = 0
  let items = 0
  let inString = false
  let topLevelArray = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === BACKSLASH) i++
      else if (c === QUOTE) inString = false
      continue
    }
    const inTopLevelArray = depth === 1 && topLevelArray
    if (inTopLevelArray && items === 0 && c !== CLOSE_ARRAY && !WHITESPACE.has(c)) items = 1
    if (c === QUOTE) {
      inString = true
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      if (depth === 0) topLevelArray = c === OPEN_ARRAY
      depth++
      deepest = Math.max(deepest, depth)
      if (deepest > MAX_JSON_DEPTH) break
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      depth--
    } else if (c === COMMA && inTopLevelArray && ++items > MAX_BATCH_ROWS) {
      break
    }
  }
  return { depth: deepest, topLevelItems: items }
}

export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new BodyError(400, 'Empty body: send JSON (Content-Type: application/json)')
  const { depth, topLevelItems } = scanShape(text)
  if (depth > MAX_JSON_DEPTH) {
    throw new BodyError(400, `Body nested too deeply: at most ${MAX_JSON_DEPTH} levels of arrays and objects`)
  }
  if (topLevelItems > MAX_BATCH_ROWS) {
    throw new BodyError(413, `Too many rows: a batch holds at most ${MAX_BATCH_ROWS} rows`)
  }
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new BodyError(400, 'Malformed JSON body: it does not parse as JSON')
  }
  // Only objects whose text names a forbidden key (possibly \u-escaped) need the scan.
  if (typeof body === 'object' && body !== null && /__proto__|constructor|\\u/.test(text)) {
    try {
      scan(body, POISONED_KEYS)
    } catch {
      throw new BodyError(
        400,
        'Forbidden key in the body: "__proto__", or "constructor" holding "prototype", could reach an object\'s prototype',
      )
    }
  }
  return body
}

/** Replaces Fastify's JSON parser (same media types, same body limits) with parseJsonBody. */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string' },
    (
      _request: FastifyRequest,
      text: string | Buffer,
      done: (error: Error | null, body?: unknown) => void,
    ) => {
      try {
        done(null, parseJsonBody(text.toString()))
      } catch (error) {
        done(error as Error)
      }
    },
  )
}
