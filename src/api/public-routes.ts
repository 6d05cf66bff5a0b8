// The routes anyone who can reach the web UI may call through its /api/* forwarder (src/ui/server.ts): everything
// the browser app needs, nothing that operates the server (/admin/*, /metrics). A new public route is one line.
import { SERVED_MODELS } from '../serving/model-catalog.ts'
import { API_PATHS } from './endpoints.ts'

export interface PublicRoute {
  method: 'GET' | 'POST'
  path: string
  /** A long-lived stream (Server-Sent Events): forwarded without an idle timeout. */
  stream?: boolean
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', path: API_PATHS.root },
  ...SERVED_MODELS.flatMap((model): PublicRoute[] => [
    { method: 'POST', path: API_PATHS.predict(model.id) },
    { method: 'POST', path: API_PATHS.predictBatch(model.id) },
  ]),
  { method: 'GET', path: API_PATHS.models },
  { method: 'GET', path: API_PATHS.modelVersions },
  { method: 'GET', path: API_PATHS.analytics },
  { method: 'GET', path: API_PATHS.healthz },
  { method: 'GET', path: API_PATHS.readyz },
  { method: 'GET', path: API_PATHS.openapi },
  { method: 'GET', path: API_PATHS.live },
  { method: 'GET', path: API_PATHS.liveEvents, stream: true },
]
