// POST /admin/reload: reload the models now (the folder watcher does it by itself on changes). Admin routes need
// `Authorization: Bearer <API_ADMIN_TOKEN>`; without a configured token they are off (403). A token header also
// keeps browsers out: a cross-site page cannot send one without a CORS preflight, which the API does not allow.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { API_PATHS } from '../endpoints.ts'
import { ErrorResponse, ReadyResponse } from '../schemas.ts'
import { modelStatuses } from './health.ts'

export interface AdminOptions {
  /** The bearer token; undefined turns the admin routes off. */
  token: string | undefined
}

/** Compares digests, so the time taken tells nothing about the token (not even its length). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(expected))
}

function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')
  return match?.[1]
}

export const adminRoutes: FastifyPluginAsyncTypebox<AdminOptions> = async (app, options) => {
  const { token } = options
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (token === undefined) {
      return reply.code(403).send({ error: 'Admin routes are off: start the API with API_ADMIN_TOKEN set' })
    }
    const given = bearerToken(request)
    if (given === undefined || !sameSecret(given, token)) {
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send({ error: 'Admin routes need the header Authorization: Bearer <API_ADMIN_TOKEN>' })
    }
  })

  app.post(
    API_PATHS.adminReload,
    {
      schema: {
        summary: 'Reload the models from disk (needs Authorization: Bearer <API_ADMIN_TOKEN>)',
        tags: ['operations'],
        security: [{ adminToken: [] }],
        response: { 200: ReadyResponse, 401: ErrorResponse, 403: ErrorResponse },
      },
    },
    async () => {
      await app.models.reload()
      return { ready: app.models.allLoaded, models: modelStatuses(app) }
    },
  )
}
