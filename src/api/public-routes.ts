// The routes anyone who can reach the web UI may call through its /api/* forwarder (src/ui/server.ts): everything
// the browser app needs, nothing that operates the server (/admin/*, /metrics). A new public route is one line.
import { SERVED_MODELS } from '../serving/model-catalog.ts'

export interface PublicRoute {
  method: 'GET' | 'POST'
  path: string
  /** A long-lived stream (Server-Sent Events): forwarded without an idle timeout. */
  stream?: boolean
}

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: 'GET', path: '/' },
  ...SERVED_MODELS.flatMap((model): PublicRoute[] => [
    { method: 'POST', path: `/predict_${model.id}` },
    { method: 'POST', path: `/predict/${model.id}/batch` },
  ]),
  { method: 'GET', path: '/models' },
  { method: 'GET', path: '/analytics' },
  { method: 'GET', path: '/healthz' },
  { method: 'GET', path: '/readyz' },
  { method: 'GET', path: '/openapi.json' },
  { method: 'GET', path: '/live' },
  { method: 'GET', path: '/live/events', stream: true },
]
