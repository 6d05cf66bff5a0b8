// The HTTP contract in one place: request/response schemas (TypeBox → JSON Schema) used for validation, for the
// OpenAPI document, for fast response serialisation, and as TypeScript types for clients such as the web UI.
// Request fields are derived from src/contract's columns, so vocabularies and ranges exist once in the project.
// Plain data the browser needs too (paths, examples) lives in endpoints.ts and seed-examples.ts, free of TypeBox.
import {
  type SchemaOptions,
  type Static,
  type TObject,
  type TSchema,
  type TUnsafe,
  Type,
} from '@sinclair/typebox'
import { COLUMNS, type Column } from '../contract/columns.ts'
import { featuresOf, type ModelId, SERVED_MODELS, type ServedModel } from '../serving/model-catalog.ts'
import { type PredictRequest, SEED_EXAMPLES } from './seed-examples.ts'

/** Most rows one batch request may hold. */
export const MAX_BATCH_ROWS = 10_000
/** Body size limits: a single record is a few hundred bytes; a full batch a few MB. */
export const BODY_LIMIT_BYTES = 64 * 1024
export const BATCH_BODY_LIMIT_BYTES = 8 * 1024 * 1024

/** The schema, or null. */
export const Nullable = <T extends TSchema>(schema: T, options?: SchemaOptions) =>
  Type.Union([schema, Type.Null()], options)

function columnSchema(column: Column): TSchema {
  switch (column.kind) {
    case 'category':
      return Type.Unsafe<string>({
        type: 'string',
        enum: [...column.values],
        description: `One of: ${column.values.join(', ')}`,
      })
    case 'integer':
      return Type.Integer({
        minimum: column.min,
        maximum: column.max,
        description: `Integer ${column.min}–${column.max}`,
      })
    case 'flag':
      return Type.Unsafe<0 | 1>({ type: 'integer', enum: [0, 1], description: '0 or 1' })
    case 'measure':
      return Type.Number({
        minimum: 0,
        maximum: column.plausibleMax,
        description: `Finite number 0–${column.plausibleMax} (its plausible range)`,
      })
  }
}

function requestSchema<M extends ModelId>(model: ServedModel & { id: M }): TUnsafe<PredictRequest<M>> {
  const features: readonly string[] = featuresOf(model)
  const properties = Object.fromEntries(
    COLUMNS.filter((column) => features.includes(column.name)).map((column) => [
      column.name,
      columnSchema(column),
    ]),
  )
  // Built from the columns at run time; its static type is the one the columns define (seed-examples.ts).
  return Type.Unsafe<PredictRequest<M>>(
    Type.Object(properties, {
      title: `Inputs of the ${model.target} model`,
      description: `The ${features.length} columns other than ${model.target}; other keys are ignored.`,
      additionalProperties: true,
      examples: [SEED_EXAMPLES[model.id]],
    }),
  )
}

export const PREDICT_REQUEST = Object.fromEntries(
  SERVED_MODELS.map((model) => [model.id, requestSchema(model)]),
) as { [M in ModelId]: TUnsafe<PredictRequest<M>> }

export const TrafficDensityResponse = Type.Object({
  predicted_traffic_density: Type.Number({ description: 'Rounded to 4 decimals' }),
})
export const PeakHourResponse = Type.Object({
  predicted_is_peak_hour: Type.Unsafe<0 | 1>({ type: 'integer', enum: [0, 1] }),
  label: Type.Unsafe<'Peak Hour' | 'Not Peak Hour'>({ type: 'string', enum: ['Peak Hour', 'Not Peak Hour'] }),
  probability_of_predicted_class: Type.Number({ description: 'Rounded to 4 decimals' }),
})
export const EnergyConsumptionResponse = Type.Object({
  predicted_energy_consumption: Type.Number({ description: 'Rounded to 4 decimals' }),
})
export type TrafficDensityResponse = Static<typeof TrafficDensityResponse>
export type PeakHourResponse = Static<typeof PeakHourResponse>
export type EnergyConsumptionResponse = Static<typeof EnergyConsumptionResponse>

export const PREDICT_RESPONSE = {
  traffic_density: TrafficDensityResponse,
  is_peak_hour: PeakHourResponse,
  energy_consumption: EnergyConsumptionResponse,
} as const satisfies Record<ModelId, TObject>

export type PredictResponses = { [M in ModelId]: Static<(typeof PREDICT_RESPONSE)[M]> }

export const FieldError = Type.Object({
  field: Nullable(Type.String(), { description: 'The column at fault; null for the body as a whole' }),
  message: Type.String(),
  index: Type.Optional(Type.Integer({ description: 'Row of a batch request, from 0' })),
})
export const ErrorResponse = Type.Object({
  error: Type.String(),
  details: Type.Optional(Type.Array(FieldError)),
})
export type FieldError = Static<typeof FieldError>
export type ErrorResponse = Static<typeof ErrorResponse>

const loadedFlags = Object.fromEntries(
  SERVED_MODELS.map((model) => [`${model.folder}_loaded`, Type.Boolean()]),
)

export const RootResponse = Type.Object({
  status: Type.Literal('API is running'),
  message: Type.String(),
  models_status: Type.Object(loadedFlags),
})
export type RootResponse = Static<typeof RootResponse>

export const ModelStatus = Type.Object({
  loaded: Type.Boolean(),
  error: Nullable(Type.String(), { description: 'Why the latest load failed, if it did' }),
})
export const ReadyResponse = Type.Object({
  ready: Type.Boolean(),
  models: Type.Record(Type.String(), ModelStatus),
})
export type ReadyResponse = Static<typeof ReadyResponse>

export const ModelCard = Type.Object({
  id: Type.String(),
  endpoint: Type.String(),
  batch_endpoint: Type.String(),
  folder: Type.String(),
  target: Type.String(),
  task: Type.Union([Type.Literal('regression'), Type.Literal('classification')]),
  features: Type.Array(Type.String()),
  loaded: Type.Boolean(),
  error: Nullable(Type.String()),
  uid: Nullable(Type.String()),
  spark_version: Nullable(Type.String()),
  saved_at: Nullable(Type.String({ format: 'date-time' })),
  loaded_at: Nullable(Type.String({ format: 'date-time' })),
  stages: Type.Array(Type.String(), { description: 'Spark stage classes, in order' }),
  trees: Type.Integer({ description: 'Trees in the model (0 when not loaded)' }),
  nodes: Type.Integer({ description: 'Tree nodes in all (0 when not loaded)' }),
  training: Type.Unknown({
    description: "This model's entry of report.json (metrics, importances, rows…), or null",
  }),
})
export const ModelsResponse = Type.Object({
  version: Nullable(Type.String(), {
    description:
      'The id of the model version being served (its version.json), or null for models without one',
  }),
  models: Type.Array(ModelCard),
  report: Type.Unknown({ description: 'report.json written by `traffic train`, or null' }),
})
export type ModelCard = Static<typeof ModelCard>
export type ModelsResponse = Static<typeof ModelsResponse>

const PerModel = (description: string) =>
  Type.Record(Type.String(), Type.Unknown(), { description: `Per model folder: ${description}` })

export const ModelVersion = Type.Object({
  id: Type.String(),
  trainedAt: Type.String({ format: 'date-time' }),
  reason: Type.String({
    description: "Why it was trained: 'traffic train', 'new rows: …', 'schedule', 'drift: …'",
  }),
  data: Type.Object({
    topic: Type.String(),
    batches: Type.Integer({ description: 'Batch files read' }),
    rows: Type.Integer(),
    partitions: Type.Array(
      Type.Object({ partition: Type.Integer(), first: Type.Integer(), last: Type.Integer() }),
      { description: 'Offset ranges of the batch files read' },
    ),
  }),
  learners: PerModel('the learner in words'),
  params: Type.Unknown({ description: 'The training parameters (report.json `params`)' }),
  metrics: PerModel('held-out metrics of its own training'),
})

export const PromotionLogEntry = Type.Object({
  seq: Type.Integer({ minimum: 1 }),
  at: Type.String({ format: 'date-time' }),
  action: Type.Union([Type.Literal('promote'), Type.Literal('reject'), Type.Literal('rollback')]),
  from: Nullable(Type.String(), { description: 'The champion before' }),
  to: Type.String({ description: "The champion after; for 'reject', the rejected challenger" }),
  reason: Type.String(),
  comparison: Type.Optional(
    Type.Object(
      { rows: Type.Integer(), models: PerModel('{ champion, challenger, better }') },
      { description: 'Champion against challenger on the same newest held-out rows' },
    ),
  ),
})

export const ModelVersionsResponse = Type.Object({
  champion: Nullable(Type.String(), { description: 'The served version' }),
  challenger: Nullable(Type.String()),
  versions: Type.Array(ModelVersion, { description: 'Complete versions, newest first' }),
  log: Type.Array(PromotionLogEntry, { description: 'The promotion log, oldest first' }),
})
export type ModelVersionsResponse = Static<typeof ModelVersionsResponse>
