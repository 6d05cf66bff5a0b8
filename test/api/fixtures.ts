// What the API tests run against: a real server on a free loopback port, and a folder of Spark-written models.
//
// The models must be written by Spark itself (the point is serving real Spark output). Until the shared fixture that
// trains them over Spark Connect is wired in, they come from TRAFFIC_TEST_MODELS: a folder holding
// traffic_density_model/, peak_hour_model/ and energy_consumption_model/ as saved by Spark.
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { type AppOptions, buildApp } from '../../src/api/app.ts'

export const UI_ORIGIN = 'http://127.0.0.1:8501'

const sourceModels = process.env.TRAFFIC_TEST_MODELS

/** For `test(name, { skip: needsModels }, …)`: the reason tests that need Spark models cannot run, or false. */
export const needsModels: string | false = sourceModels
  ? false
  : 'TRAFFIC_TEST_MODELS is not set: no Spark-written models (fixture training them over Spark Connect not wired yet)'

/** A private folder for one test: a copy of the Spark models, or empty. Removed by `cleanup`. */
export function modelsFolder(withModels: boolean): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'api-models-'))
  if (withModels) cpSync(sourceModels as string, dir, { recursive: true })
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
  const app = await buildApp({ modelsDir, corsOrigins: [UI_ORIGIN], logger: false, ...options })
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
