// Calls to the API through the UI server's /api proxy (same origin: no CORS, and the API's address is the
// server's setting, not the browser's). Every failure becomes an ApiError the pages can explain.

import { API_PATHS } from '../../../src/api/endpoints.ts'
import { UI_PATHS, type UiConfig } from '../../../src/ui/config.ts'
import type { RequestBody } from '../form.ts'
import type { ModelId, ModelView, Predictions } from '../models.ts'
import type { ErrorResponse, FieldError, ModelsResponse, RegistryView, RootResponse } from './contract.ts'
import type { TrafficAnalytics } from './reports.ts'

export class ApiError extends Error {
  readonly status: number
  readonly details: FieldError[]

  constructor(status: number, message: string, details: FieldError[] = []) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.details = details
  }

  /** The API itself could not be reached (the UI server answers 502 for it), or not even the UI server. */
  get unreachable(): boolean {
    return this.status === 0 || this.status === 502 || this.status === 504
  }
}

async function request<T>(path: string, init?: RequestInit): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, init)
  } catch {
    throw new ApiError(0, 'The UI server is not reachable.')
  }
  const text = await response.text()
  let body: unknown
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    body = undefined
  }
  if (!response.ok) {
    const error = (body ?? {}) as Partial<ErrorResponse>
    throw new ApiError(
      response.status,
      error.error ?? `HTTP ${response.status} ${response.statusText}`,
      Array.isArray(error.details) ? error.details : [],
    )
  }
  return body as T
}

/** Where the browser calls an API path: through the UI server's forwarder. */
export function apiUrl(path: string): string {
  return `${UI_PATHS.api}${path}`
}

function post<T>(path: string, body: unknown): Promise<T> {
  return request<T>(apiUrl(path), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
}

export const api = {
  config: () => request<UiConfig>(UI_PATHS.config),
  root: () => request<RootResponse>(apiUrl(API_PATHS.root)),
  predict: <M extends ModelId>(model: ModelView<M>, body: RequestBody) =>
    post<Predictions[M]>(model.endpoint, body),
  predictBatch: <M extends ModelId>(model: ModelView<M>, rows: RequestBody[]) =>
    post<Predictions[M][]>(model.batchEndpoint, rows),
  models: () => request<ModelsResponse>(apiUrl(API_PATHS.models)),
  modelVersions: () => request<RegistryView>(apiUrl(API_PATHS.modelVersions)),
  analytics: () => request<TrafficAnalytics>(apiUrl(API_PATHS.analytics)),
}
