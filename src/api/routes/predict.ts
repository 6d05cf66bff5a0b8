// The seed's three endpoints (POST /predict_<model>, one record) and their batch forms (POST /predict/<model>/batch,
// an array of records → an array of answers in the same order).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { type Prediction, RecordError } from '../../serving/evaluator.ts'
import { type ModelId, SERVED_MODELS, type ServedModel } from '../../serving/model-catalog.ts'
import type { LoadedModel } from '../../serving/model-set.ts'
import { UnseenLabelError } from '../../serving/stages/string-indexer.ts'
import { API_PATHS } from '../endpoints.ts'
import { invalidInput } from '../errors.ts'
import { FORMAT_PREDICTION } from '../predictions.ts'
import {
  BATCH_BODY_LIMIT_BYTES,
  ErrorResponse,
  MAX_BATCH_ROWS,
  PREDICT_REQUEST,
  PREDICT_RESPONSE,
} from '../schemas.ts'

/** The model in service, or the 503 answer saying why there is none. */
function modelInService(app: FastifyInstance, spec: ServedModel): LoadedModel | ErrorResponse {
  const slot = app.models.slot(spec.id)
  return (
    slot?.model ?? {
      error: `The ${spec.target} model is not loaded: ${slot?.error ?? 'models are still loading'}`,
    }
  )
}

export const predictRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const spec of SERVED_MODELS) {
    const format: (typeof FORMAT_PREDICTION)[ModelId] = FORMAT_PREDICTION[spec.id]
    // 413: body or batch too large; 415: not JSON; 503: the model is not loaded.
    const errors = { 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 503: ErrorResponse }

    app.post(
      API_PATHS.predict(spec.id),
      {
        config: { model: spec.id },
        schema: {
          summary: `Predict ${spec.target} for one record`,
          tags: ['predict'],
          body: PREDICT_REQUEST[spec.id],
          response: { 200: PREDICT_RESPONSE[spec.id], ...errors },
        },
      },
      async (request, reply) => {
        const model = modelInService(app, spec)
        if ('error' in model) return reply.code(503).send(model)
        const answer = format(model.evaluator.predict(request.body))
        app.metrics.predictions.inc({ model: spec.id })
        return answer
      },
    )

    app.post(
      API_PATHS.predictBatch(spec.id),
      {
        config: { model: spec.id, batch: true },
        bodyLimit: BATCH_BODY_LIMIT_BYTES,
        schema: {
          summary: `Predict ${spec.target} for up to ${MAX_BATCH_ROWS} records`,
          tags: ['predict'],
          body: Type.Array(PREDICT_REQUEST[spec.id], { maxItems: MAX_BATCH_ROWS }),
          response: { 200: Type.Array(PREDICT_RESPONSE[spec.id]), ...errors },
        },
      },
      async (request, reply) => {
        const model = modelInService(app, spec)
        if ('error' in model) return reply.code(503).send(model)
        const rows = request.body
        let predictions: Prediction[]
        try {
          predictions = model.evaluator.predictMany(rows)
        } catch (error) {
          if (!(error instanceof RecordError)) throw error
          if (!(error.cause instanceof UnseenLabelError)) throw error.cause
          const { column, detail } = error.cause
          return reply.code(400).send(invalidInput([{ field: column, message: detail, index: error.index }]))
        }
        app.metrics.predictions.inc({ model: spec.id }, rows.length)
        return predictions.map((prediction) => format(prediction))
      },
    )
  }
}
