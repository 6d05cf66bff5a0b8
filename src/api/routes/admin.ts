// POST /admin/reload: reload the models now (the folder watcher does it by itself on changes). Loopback only:
// a reload reads every model from disk, not something to expose to the network.
import type { FastifyInstance } from 'fastify'
import { ErrorResponse, ReadyResponse } from '../schemas.ts'
import { modelStatuses } from './health.ts'

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

export async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/admin/reload',
    {
      schema: {
        summary: 'Reload the models from disk (loopback clients only)',
        tags: ['operations'],
        response: { 200: ReadyResponse, 403: ErrorResponse },
      },
    },
    async (request, reply) => {
      if (!LOOPBACK.has(request.socket.remoteAddress ?? '')) {
        return reply.code(403).send({ error: 'Reloading is allowed from the local machine only' })
      }
      await app.models.reload()
      return { ready: app.models.allLoaded, models: modelStatuses(app) }
    },
  )
}
