// What is being served (model cards, with the training report) and the traffic analysis computed at training.
import path from 'node:path'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { type ModelRegistry, registryView } from '../../lifecycle/registry.ts'
import { featuresOf, SERVED_MODELS } from '../../serving/model-catalog.ts'
import { API_PATHS } from '../endpoints.ts'
import { ErrorResponse, type ModelCard, ModelsResponse, ModelVersionsResponse } from '../schemas.ts'

/**
 * report.json as clients may see it: absolute paths of this machine cut to their last part, and the Spark Connect
 * address without its parameters (a `token=` there is a credential).
 */
function publicReport(value: unknown): unknown {
  if (typeof value === 'string') {
    if (path.isAbsolute(value)) return path.basename(value)
    return value.startsWith('sc://') ? value.split(';', 1)[0] : value
  }
  if (Array.isArray(value)) return value.map(publicReport)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, publicReport(item)]))
}

export interface ModelsRoutesOptions {
  /** The registry of the served models: their versions and promotion log. */
  registry: ModelRegistry
}

export const modelsRoutes: FastifyPluginAsyncTypebox<ModelsRoutesOptions> = async (app, { registry }) => {
  const tags = ['models']
  app.get(
    API_PATHS.models,
    { schema: { summary: 'Model cards and the training report', tags, response: { 200: ModelsResponse } } },
    async () => {
      const { models } = app.models.state
      const report = publicReport(app.models.state.report)
      const trained = (report as { models?: Record<string, unknown> } | null)?.models ?? {}
      const cards = SERVED_MODELS.map((spec): ModelCard => {
        const slot = models.get(spec.id)
        const model = slot?.model ?? null
        return {
          id: spec.id,
          endpoint: API_PATHS.predict(spec.id),
          batch_endpoint: API_PATHS.predictBatch(spec.id),
          folder: spec.folder,
          target: spec.target,
          task: spec.task,
          features: featuresOf(spec),
          loaded: model !== null,
          error: slot?.error ?? null,
          uid: model?.uid ?? null,
          spark_version: model?.sparkVersion ?? null,
          saved_at: model?.savedAt?.toISOString() ?? null,
          loaded_at: model?.loadedAt.toISOString() ?? null,
          stages: model?.stages ?? [],
          trees: model?.evaluator.trees ?? 0,
          nodes: model?.evaluator.nodes ?? 0,
          training: trained[spec.folder] ?? null,
        }
      })
      return { version: app.models.state.version, models: cards, report }
    },
  )

  app.get(
    API_PATHS.modelVersions,
    {
      schema: {
        summary: 'Model versions, champion and challenger, and the promotion log',
        tags,
        response: { 200: ModelVersionsResponse },
      },
    },
    () => registryView(registry),
  )

  app.get(
    API_PATHS.analytics,
    {
      schema: {
        summary: 'Traffic analysis (analytics.json)',
        tags,
        response: {
          200: Type.Record(Type.String(), Type.Unknown(), {
            description: 'analytics.json written by `traffic train`: figures by city, weather, hour…',
          }),
          404: ErrorResponse,
        },
      },
    },
    async (_request, reply) => {
      const { analytics } = app.models.state
      // Absent, unreadable (null) or not the object `traffic train` writes: there is no analysis to show.
      if (typeof analytics !== 'object' || analytics === null || Array.isArray(analytics)) {
        return reply
          .code(404)
          .send({ error: 'No analytics.json in the models folder yet; run `traffic train`' })
      }
      return { ...analytics }
    },
  )
}
