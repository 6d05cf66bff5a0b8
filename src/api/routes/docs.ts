// The OpenAPI document (generated from the route schemas) and a browsable docs page.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import { API_PATHS } from '../endpoints.ts'

/** Must be registered before the routes it documents. */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Urban traffic prediction API',
        description:
          'Predictions from the three tree models (random forests or gradient-boosted trees) trained with Spark by ' +
          '`traffic train`, evaluated natively; GET /models names the learner of each. ' +
          'The first three endpoints keep the seed Flask API contract.',
        version: '1.0.0',
      },
      tags: [
        { name: 'predict', description: 'Predictions' },
        { name: 'models', description: 'What is served and the traffic analysis' },
        { name: 'operations', description: 'Health and reloads' },
        { name: 'live', description: 'The stream as it flows: windows, alerts, lag, live model error' },
      ],
      components: {
        securitySchemes: {
          adminToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The API_ADMIN_TOKEN the API runs with',
          },
        },
      },
    },
  })
}

export async function docsRoutes(app: FastifyInstance): Promise<void> {
  app.get(API_PATHS.openapi, { schema: { hide: true } }, async () => app.swagger())
  await app.register(swaggerUi, { routePrefix: API_PATHS.docs, logLevel: 'warn' })
}
