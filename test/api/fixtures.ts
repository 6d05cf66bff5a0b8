// What the API tests run against: a real server on a free loopback port, and a private copy of the Spark-written
// models (test/spark-models.ts).
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type AppOptions, buildApp } from '../../src/api/app.ts'
import { SPARK_MODELS_DIR } from '../spark-models.ts'

export const UI_ORIGIN = 'http://127.0.0.1:8501'

/** The admin token test APIs run with, and the header that carries it. */
export const ADMIN_TOKEN = 'test-admin-token'
export const ADMIN_HEADERS = { authorization: `Bearer ${ADMIN_TOKEN}` }

/** A private folder for one test: a copy of the Spark models, or empty. Removed by `cleanup`. */
export function modelsFolder(withModels: boolean): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-models-'))
  if (withModels) cpSync(SPARK_MODELS_DIR, dir, { recursive: true })
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface Answer<T> {
  status: number
  /** Parsed body when it is JSON. */
  json: T
  text: string
  headers: Headers
}

export interface RunningApi {
  app: FastifyInstance
  url: string
  /** POSTs JSON (a string body is sent as is); the answer's JSON is typed by the caller. */
  post<T>(
    route: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: T }>
  get<T>(route: string, headers?: Record<string, string>): Promise<Answer<T>>
  close(): Promise<void>
}

export async function startApi(modelsDir: string, options: Partial<AppOptions> = {}): Promise<RunningApi> {
  const app = await buildApp({
    modelsDir,
    corsOrigins: [UI_ORIGIN],
    logger: false,
    adminToken: ADMIN_TOKEN,
    ...options,
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  return {
    app,
    url,
    async post<T>(route: string, body: unknown, headers: Record<string, string> = {}) {
      const response = await fetch(url + route, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })
      return { status: response.status, json: (await response.json()) as T }
    },
    async get<T>(route: string, headers: Record<string, string> = {}) {
      const response = await fetch(url + route, { headers })
      const text = await response.text()
      const isJson = response.headers.get('content-type')?.includes('json')
      return {
        status: response.status,
        json: (isJson ? JSON.parse(text) : undefined) as T,
        text,
        headers: response.headers,
      }
    },
    close: () => app.close(),
  }
}
