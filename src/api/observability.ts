// Prometheus metrics (GET /metrics) and one structured log line per request (client errors at info, the rest at
// debug, so a busy server does not log every prediction by default). Each app has its own registry, so
// several apps (tests) never share counters.
import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify'
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import { SERVED_MODELS } from '../serving/model-catalog.ts'
import { API_PATHS } from './endpoints.ts'
import type { ModelRegistry } from './services/model-registry.ts'

export interface ApiMetrics {
  registry: Registry
  /** Counts predicted rows (1 per single request, n per batch). */
  predictions: Counter<'model'>
}

export function installObservability(app: FastifyInstance, models: ModelRegistry): ApiMetrics {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer HTTP requests (its _count is the request count)',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5],
    registers: [registry],
  })
  const predictions = new Counter({
    name: 'traffic_predictions_total',
    help: 'Rows predicted, by model',
    labelNames: ['model'],
    registers: [registry],
  })
  new Gauge({
    name: 'traffic_model_loaded',
    help: '1 when the model is in service',
    labelNames: ['model'],
    registers: [registry],
    collect() {
      for (const spec of SERVED_MODELS) this.set({ model: spec.id }, models.slot(spec.id)?.model ? 1 : 0)
    },
  })

  // Label lookups hash their values; resolving each (method, route, status) once keeps the hook cheap.
  const timers = new Map<string, ReturnType<typeof duration.labels>>()
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched'
    const key = `${request.method} ${route} ${reply.statusCode}`
    let timer = timers.get(key)
    if (!timer) {
      timer = duration.labels(request.method, route, String(reply.statusCode))
      timers.set(key, timer)
    }
    timer.observe(reply.elapsedTime / 1000)
  })

  app.get(API_PATHS.metrics, { schema: { hide: true } }, async (_request, reply) => {
    reply.type(registry.contentType)
    return registry.metrics()
  })
  return { registry, predictions }
}

/** Fastify's request log lines, replaced by one line per completed request. */
export class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const fields = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: reply.elapsedTime,
    }
    if (error) reply.log.error({ ...fields, err: error }, 'request failed')
    else if (reply.statusCode >= 400 && reply.statusCode < 500) reply.log.info(fields, 'request rejected')
    else reply.log.debug(fields, 'request completed')
  }
}
