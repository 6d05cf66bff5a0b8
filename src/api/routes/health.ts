// Liveness (the process answers) and readiness (all three models are in service) for orchestrators.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { SERVED_MODELS } from '../../serving/model-catalog.ts'
import { API_PATHS } from '../endpoints.ts'
import { ReadyResponse } from '../schemas.ts'

export function modelStatuses(app: FastifyInstance): ReadyResponse['models'] {
  return Object.fromEntries(
    SERVED_MODELS.map((spec) => {
      const slot = app.models.slot(spec.id)
      return [spec.id, { loaded: slot?.model != null, error: slot?.error ?? null }]
    }),
  )
}

export const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['operations']
  app.get(
    API_PATHS.healthz,
    { schema: { summary: 'Liveness', tags, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  )
  app.get(
    API_PATHS.readyz,
    {
      schema: {
        summary: 'Ready when the three models are loaded',
        tags,
        response: { 200: ReadyResponse, 503: ReadyResponse },
      },
    },
    async (_request, reply) => {
      const ready = app.models.allLoaded
      reply.code(ready ? 200 : 503)
      return { ready, models: modelStatuses(app) }
    },
  )
}
