// GET / exactly as the seed's Flask API answered it, so its clients' health checks keep working.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { SERVED_MODELS } from '../../serving/model-catalog.ts'
import { API_PATHS } from '../endpoints.ts'
import { RootResponse } from '../schemas.ts'

export const rootRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    API_PATHS.root,
    { schema: { summary: 'API status and which models are loaded', response: { 200: RootResponse } } },
    async () => ({
      status: 'API is running' as const,
      message: `Urban traffic prediction API. POST JSON to ${SERVED_MODELS.map((m) => API_PATHS.predict(m.id)).join(', ')}; docs at /docs.`,
      models_status: Object.fromEntries(
        SERVED_MODELS.map((spec) => [`${spec.folder}_loaded`, app.models.slot(spec.id)?.model != null]),
      ),
    }),
  )
}
