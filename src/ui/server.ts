// The web UI's server: the built app's static files (@fastify/static), /config.json for the app, and /api/*
// forwarded to the API (@fastify/http-proxy) — only the routes the app uses (src/api/public-routes.ts).
// Forwarding keeps the browser on one origin (no CORS setup on the API) and puts the API's address in one
// setting, like the seed's Streamlit app, which called the API from its server too.
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import proxy from '@fastify/http-proxy'
import fastifyStatic from '@fastify/static'
import Fastify, {
  type FastifyReply,
  type FastifyRequest,
  type RawServerBase,
  type RouteGenericInterface,
} from 'fastify'
import { PUBLIC_ROUTES, type PublicRoute } from '../api/public-routes.ts'
import { TrafficError } from '../errors.ts'
import { httpUrlOf } from '../http-url.ts'
import { UI_PATHS, type UiConfig } from './config.ts'

export interface UiServerOptions {
  host: string
  port: number
  /** The API the /api/* requests go to, e.g. http://127.0.0.1:5000. */
  apiUrl: string
  /** The built app (web/dist). */
  distDir: string
}

export interface UiServer {
  url: string
  close(): Promise<void>
}

// ECharts writes style attributes into its SVG, hence 'unsafe-inline' for styles only.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

/** What passes the forwarder each way: no cookies or credentials to the API, no CORS answers to the browser. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'content-length', 'accept']
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-length', 'cache-control', 'retry-after']
const API_TIMEOUT_MS = 30_000

function pick<H extends Record<string, unknown>>(headers: H, names: readonly string[]): H {
  return Object.fromEntries(names.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]])) as H
}

/** Any reply: the forwarder's error hook has a wider server type than the routes. */
type AnyReply = FastifyReply<RouteGenericInterface, RawServerBase>

function sendJson(reply: AnyReply, status: number, body: unknown): AnyReply {
  return reply
    .code(status)
    .header('cache-control', 'no-store')
    .type('application/json; charset=utf-8')
    .send(body)
}

const ROUTES_BY_PATH = new Map<string, PublicRoute[]>()
for (const route of PUBLIC_ROUTES)
  ROUTES_BY_PATH.set(route.path, [...(ROUTES_BY_PATH.get(route.path) ?? []), route])

/** The public route a request asks for (HEAD as GET), or the error answer: 404 unknown path, 405 other method. */
function publicRoute(method: string, pathname: string): PublicRoute | { status: 404 | 405; allow?: string } {
  const routes = ROUTES_BY_PATH.get(pathname)
  if (!routes) return { status: 404 }
  const asked = method === 'HEAD' ? 'GET' : method
  return (
    routes.find((route) => route.method === asked) ?? {
      status: 405,
      allow: routes.map((route) => route.method).join(', '),
    }
  )
}

/** The API path a forwarded request asks for: what follows /api, `/` for /api itself. */
function apiPathOf(request: FastifyRequest): string {
  return (request.url.slice(UI_PATHS.api.length).split('?', 1)[0] as string) || '/'
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const apiUrl = new URL(options.apiUrl)
  const apiBase = apiUrl.pathname.replace(/\/$/, '')
  const distDir = path.resolve(options.distDir)
  const assetsDir = path.join(distDir, 'assets')
  const config: UiConfig = { apiUrl: options.apiUrl }

  const app = Fastify({
    logger: false,
    // Close open event streams too, so close() does not wait for browsers to leave.
    forceCloseConnections: true,
    frameworkErrors: (error, _request, reply) =>
      sendJson(reply, 400, { error: error.code === 'FST_ERR_BAD_URL' ? 'Malformed URL' : error.message }),
  })
  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS)
  })

  await app.register(fastifyStatic, {
    root: distDir,
    index: 'index.html',
    // Vite puts a content hash in every asset name, so those never change; index.html must be re-read.
    cacheControl: false,
    setHeaders: (response, file) => {
      const immutable = file.startsWith(assetsDir + path.sep)
      response.setHeader('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    },
  })
  // The type RFC 9239 names for scripts; the library's table still says application/javascript (and sets it after
  // `setHeaders` has run).
  app.addHook('onSend', async (_request, reply) => {
    if (String(reply.getHeader('content-type')).startsWith('application/javascript')) {
      reply.header('content-type', 'text/javascript; charset=utf-8')
    }
  })
  app.get(UI_PATHS.config, async (_request, reply) => sendJson(reply, 200, config))

  await app.register(proxy, {
    upstream: apiUrl.origin,
    prefix: UI_PATHS.api,
    rewritePrefix: apiBase,
    // No retries: a 503 (models loading) is the API's answer to show, not something to wait out here.
    retryMethods: [],
    // /api alone is the API's root, /.
    preRewrite: (url) => url.replace(/^\/api(?=\?|$)/, '/api/'),
    handler: (request, reply, destination, fromOptions) => {
      const pathname = apiPathOf(request)
      const route = publicRoute(request.method, pathname)
      if ('status' in route) {
        if (route.allow) reply.header('allow', route.allow)
        return sendJson(reply, route.status, {
          error:
            route.status === 404
              ? `${pathname} is not a public API route; the UI forwards only what the app uses`
              : `${request.method} is not allowed on ${pathname}; allowed: ${route.allow}`,
        })
      }
      // A stream may stay quiet for long; everything else must answer in time.
      return reply.from(destination, { ...fromOptions, timeout: route.stream ? 0 : API_TIMEOUT_MS })
    },
    replyOptions: {
      rewriteRequestHeaders: (_request, headers) => pick(headers, FORWARDED_REQUEST_HEADERS),
      rewriteHeaders: (headers) => pick(headers, FORWARDED_RESPONSE_HEADERS),
      onError: (reply, { error }) => {
        const cause = (error as { cause?: NodeJS.ErrnoException }).cause
        const timedOut = (error as { statusCode?: number }).statusCode === 504
        sendJson(reply, timedOut ? 504 : 502, {
          error: `The API at ${apiUrl.origin}${apiBase} is not reachable (${timedOut ? 'ETIMEDOUT' : (cause?.code ?? error.message)})`,
        })
      },
    },
  })

  app.setNotFoundHandler((request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendJson(reply, 405, { error: `${request.method} is not allowed here` })
    }
    return sendJson(reply, 404, { error: `Not found: ${request.url.split('?', 1)[0]}` })
  })
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    // A path the file server refuses (e.g. one climbing out of the build) is simply not there.
    if (error.statusCode === 403 || error.statusCode === 404) return reply.callNotFound()
    // The details (paths) stay on the server.
    console.error('web UI: could not serve', request.url, error)
    return sendJson(reply, 500, { error: 'Internal error: see the web UI server output' })
  })

  try {
    await app.listen({ port: options.port, host: options.host })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    throw new TrafficError('PORT_IN_USE', `Port ${options.port} on ${options.host} is already in use`, {
      hint: 'stop what runs there, or pick another port with --port / UI_PORT',
    })
  }
  const address = app.server.address() as AddressInfo
  return { url: httpUrlOf(address.address, address.port), close: () => app.close() }
}
