// The HTTP API as a function of its options, so `traffic serve`, the tests and the benchmark build the same app.
// Order (fastify/demo): external plugins, then our services, then routes.
import cors from '@fastify/cors'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { DEFAULTS } from '../config.ts'
import { registryOf } from '../lifecycle/registry.ts'
import { bucketModels } from '../training/models-bucket.ts'
import { folderModels } from '../training/models-folder.ts'
import { installErrorHandlers } from './errors.ts'
import { installJsonBodyParser } from './json-body.ts'
import { type ApiMetrics, installObservability, RequestLog } from './observability.ts'
import { adminRoutes } from './routes/admin.ts'
import { docsRoutes, registerOpenApi } from './routes/docs.ts'
import { healthRoutes } from './routes/health.ts'
import { liveRoutes } from './routes/live.ts'
import { modelsRoutes } from './routes/models.ts'
import { predictRoutes } from './routes/predict.ts'
import { rootRoutes } from './routes/root.ts'
import { BODY_LIMIT_BYTES } from './schemas.ts'
import { LiveFeed, type LiveFeedOptions } from './services/live-feed.ts'
import { ModelRegistry } from './services/model-registry.ts'
import { type BucketModelsOptions, modelsSource } from './services/models-source.ts'

declare module 'fastify' {
  interface FastifyInstance {
    models: ModelRegistry
    metrics: ApiMetrics
    live: LiveFeed
  }
}

export interface AppOptions {
  /**
   * Folder holding traffic_density_model/, peak_hour_model/, energy_consumption_model/ (+ report/analytics JSON),
   * or the `s3://` location the models are published in (then `bucketModels` says how to reach it).
   */
  modelsDir: string
  bucketModels?: BucketModelsOptions
  /** Browser origins allowed to call the API (the web UI's). */
  corsOrigins: readonly string[]
  /** pino logger options, or false for none. */
  logger: FastifyServerOptions['logger']
  /** Reload when the models folder changes, after this many quiet milliseconds; no watching when absent. */
  watchDebounceMs?: number
  /** Bearer token of the /admin/* routes; without one they are off. */
  adminToken?: string | undefined
  /** A request (headers and body) must arrive within this time, or its connection is closed. */
  requestTimeoutMs?: number
  /** Follow the live stream, windows and alerts on Kafka; the live view says "off" when absent. */
  live?: LiveFeedOptions
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULTS.apiRequestTimeoutMs
  const app = Fastify({
    logger: options.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Node checks these timeouts on an interval (30 s by default; once a second keeps the bound close), and only
    // when the headers timeout is no longer than the request's, which it ensures at construction only.
    requestTimeout,
    http: {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(1000, requestTimeout),
    },
    logController: new RequestLog(),
    ajv: {
      // Types are part of the contract: "8" is not an hour; no Infinity/NaN. The schema stops at the first error
      // (bounded work on any body); errors.ts then names every bad field with src/contract's rules.
      customOptions: { coerceTypes: false, allErrors: false, removeAdditional: false, strictNumbers: true },
    },
  })
  installJsonBodyParser(app)

  // Not strict: an OPTIONS without the preflight headers gets an empty 204, not a plain-text 400.
  await app.register(cors, {
    origin: [...options.corsOrigins],
    methods: ['GET', 'POST'],
    strictPreflight: false,
  })
  await registerOpenApi(app)

  const models = new ModelRegistry(modelsSource(options.modelsDir, options.bucketModels), app.log)
  app.decorate('models', models)
  app.decorate('metrics', installObservability(app, models))
  installErrorHandlers(app)
  await models.reload()
  if (options.watchDebounceMs !== undefined) models.watch(options.watchDebounceMs)
  app.addHook('onClose', async () => models.close())
  const live = new LiveFeed(models, app.log, options.live)
  app.decorate('live', live)
  live.start()
  app.addHook('onClose', async () => live.close())

  await app.register(rootRoutes)
  await app.register(predictRoutes)
  await app.register(modelsRoutes, {
    registry: registryOf(
      options.bucketModels
        ? bucketModels(options.modelsDir, options.bucketModels.s3)
        : folderModels(options.modelsDir),
    ),
  })
  await app.register(healthRoutes)
  await app.register(adminRoutes, { token: options.adminToken })
  await app.register(liveRoutes)
  await app.register(docsRoutes)
  return app
}
