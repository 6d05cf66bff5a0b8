// The web UI's server: the built app's static files, /config.json for the app, and /api/* forwarded to the API.
// Forwarding keeps the browser on one origin (no CORS setup on the API) and puts the API's address in one
// setting, like the seed's Streamlit app, which called the API from its server too.
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { PUBLIC_ROUTES, type PublicRoute } from '../api/public-routes.ts'
import { TrafficError } from '../errors.ts'
import { connectHostOf, httpUrlOf } from '../http-url.ts'
import type { UiConfig } from './config.ts'

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

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

// ECharts writes style attributes into its SVG, hence 'unsafe-inline' for styles only.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

const FORWARDED_REQUEST_HEADERS = ['content-type', 'content-length', 'accept']
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'content-length', 'cache-control', 'retry-after']
const API_TIMEOUT_MS = 30_000

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  })
  response.end(text)
}

function pick(headers: http.IncomingHttpHeaders, names: string[]): http.OutgoingHttpHeaders {
  return Object.fromEntries(names.filter((n) => headers[n] !== undefined).map((n) => [n, headers[n]]))
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

function forwardToApi(apiUrl: URL, request: IncomingMessage, response: ServerResponse): void {
  const rest = (request.url ?? '/').slice('/api'.length) || '/'
  const pathname = rest.split('?', 1)[0] as string
  const route = publicRoute(request.method ?? 'GET', pathname)
  if ('status' in route) {
    if (route.allow) response.setHeader('allow', route.allow)
    sendJson(response, route.status, {
      error:
        route.status === 404
          ? `${pathname} is not a public API route; the UI forwards only what the app uses`
          : `${request.method} is not allowed on ${pathname}; allowed: ${route.allow}`,
    })
    return
  }
  const client = apiUrl.protocol === 'https:' ? https : http
  const upstream = client.request(
    {
      protocol: apiUrl.protocol,
      hostname: connectHostOf(apiUrl),
      port: apiUrl.port,
      path: `${apiUrl.pathname.replace(/\/$/, '')}${rest}`,
      method: request.method,
      headers: pick(request.headers, FORWARDED_REQUEST_HEADERS),
      // A stream may stay quiet for long; everything else must answer in time.
      ...(route.stream ? {} : { timeout: API_TIMEOUT_MS }),
    },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, {
        ...SECURITY_HEADERS,
        ...pick(answer.headers, FORWARDED_RESPONSE_HEADERS),
      })
      // Events must reach the browser as they come, not when a first chunk of the body does.
      if (route.stream) response.flushHeaders()
      answer.pipe(response)
    },
  )
  // The browser went away (e.g. closed an event stream): stop the upstream request too.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy()
  })
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
  upstream.on('error', (error: NodeJS.ErrnoException) => {
    if (response.headersSent) return void response.destroy(error)
    const timedOut = error.code === 'ETIMEDOUT'
    sendJson(response, timedOut ? 504 : 502, {
      error: `The API at ${apiUrl.origin}${apiUrl.pathname.replace(/\/$/, '')} is not reachable (${error.code ?? error.message})`,
    })
  })
  request.pipe(upstream)
}

async function serveFile(distDir: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let pathname: string
  try {
    pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://ui').pathname)
  } catch {
    return sendJson(response, 400, { error: 'Malformed URL' })
  }
  const file = path.join(distDir, pathname === '/' ? 'index.html' : pathname)
  const info = file.startsWith(distDir + path.sep) ? await stat(file).catch(() => undefined) : undefined
  if (!info?.isFile()) return sendJson(response, 404, { error: `Not found: ${pathname}` })
  // Vite puts a content hash in every asset name, so those never change; index.html must be re-read.
  const immutable = file.startsWith(path.join(distDir, 'assets') + path.sep)
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': info.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  })
  if (request.method === 'HEAD') return void response.end()
  createReadStream(file).pipe(response)
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const apiUrl = new URL(options.apiUrl)
  const distDir = path.resolve(options.distDir)
  const config: UiConfig = { apiUrl: options.apiUrl }

  const server = http.createServer((request, response) => {
    const pathname = (request.url ?? '/').split('?')[0] ?? '/'
    if (pathname === '/api' || pathname.startsWith('/api/')) return forwardToApi(apiUrl, request, response)
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return sendJson(response, 405, { error: `${request.method} is not allowed here` })
    }
    if (pathname === '/config.json') return sendJson(response, 200, config)
    serveFile(distDir, request, response).catch((error: unknown) => {
      // The details (paths) stay on the server.
      console.error('web UI: could not serve', request.url, error)
      if (!response.headersSent)
        sendJson(response, 500, { error: 'Internal error: see the web UI server output' })
      else response.destroy()
    })
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new TrafficError('PORT_IN_USE', `Port ${options.port} on ${options.host} is already in use`, {
              hint: 'stop what runs there, or pick another port with --port / UI_PORT',
            })
          : error,
      ),
    )
    server.listen(options.port, options.host, resolve)
  })
  const address = server.address() as AddressInfo
  return {
    url: httpUrlOf(address.address, address.port),
    close: () =>
      new Promise((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      }),
  }
}
