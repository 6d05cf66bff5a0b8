// The API's paths in one place: the routes register them, the web UI's forwarder lets the public ones through
// (public-routes.ts) and the web app calls them. Plain data, no TypeBox or Fastify: the browser bundle imports it.
import type { ModelId } from '../serving/model-catalog.ts'

export const API_PATHS = {
  root: '/',
  /** The seed's endpoint: one record. */
  predict: (model: ModelId) => `/predict_${model}` as const,
  /** An array of records → an array of answers in the same order. */
  predictBatch: (model: ModelId) => `/predict/${model}/batch` as const,
  models: '/models',
  modelVersions: '/models/versions',
  analytics: '/analytics',
  healthz: '/healthz',
  readyz: '/readyz',
  openapi: '/openapi.json',
  docs: '/docs',
  metrics: '/metrics',
  adminReload: '/admin/reload',
  live: '/live',
  liveEvents: '/live/events',
} as const
