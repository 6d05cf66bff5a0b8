// The HTTP contract in one place: request/response schemas (TypeBox → JSON Schema) used for validation, for the
// OpenAPI document, for fast response serialisation, and as TypeScript types for clients such as the web UI.
// Request fields are derived from src/schema's columns, so vocabularies and ranges exist once in the project.
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox'
import { COLUMNS, type Column, type TrafficRecord } from '../schema/columns.ts'
import { featuresOf, type ModelId, SERVED_MODELS, type ServedModel } from '../serving/model-catalog.ts'

/** Most rows one batch request may hold. */
export const MAX_BATCH_ROWS = 10_000
/** Body size limits: a single record is a few hundred bytes; a full batch a few MB. */
export const BODY_LIMIT_BYTES = 64 * 1024
export const BATCH_BODY_LIMIT_BYTES = 8 * 1024 * 1024

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

/** The seed README's example payloads, one per endpoint. */
export const SEED_EXAMPLES: Record<ModelId, Record<string, string | number>> = {
  traffic_density: {
    City: 'SolarisVille',
    'Vehicle Type': 'Drone',
    Weather: 'Snowy',
    'Economic Condition': 'Stable',
    'Day Of Week': 'Sunday',
    'Hour Of Day': 20,
    Speed: 29.42,
    'Is Peak Hour': 0,
    'Random Event Occurred': 0,
    'Energy Consumption': 14.71,
  },
  is_peak_hour: {
    City: 'Ecoopolis',
    'Vehicle Type': 'Car',
    Weather: 'Clear',
    'Economic Condition': 'Booming',
    'Day Of Week': 'Monday',
    'Hour Of Day': 8,
    Speed: 45.0,
    'Random Event Occurred': 0,
    'Energy Consumption': 30.5,
    'Traffic Density': 0.75,
  },
  energy_consumption: {
    City: 'TechHaven',
    'Vehicle Type': 'Autonomous Vehicle',
    Weather: 'Rainy',
    'Economic Condition': 'Recession',
    'Day Of Week': 'Tuesday',
    'Hour Of Day': 15,
    Speed: 80.0,
    'Is Peak Hour': 1,
    'Random Event Occurred': 0,
    'Traffic Density': 0.6,
  },
}

function requestSchema(model: ServedModel): TObject {
  const features: readonly string[] = featuresOf(model)
  const properties = Object.fromEntries(
    COLUMNS.filter((column) => features.includes(column.name)).map((column) => [
      column.name,
      columnSchema(column),
    ]),
  )
  return Type.Object(properties, {
    title: `Inputs of the ${model.target} model`,
    description: `The ${features.length} columns other than ${model.target}; other keys are ignored.`,
    additionalProperties: true,
    examples: [SEED_EXAMPLES[model.id]],
  })
}

export const PREDICT_REQUEST = Object.fromEntries(
  SERVED_MODELS.map((model) => [model.id, requestSchema(model)]),
) as Record<ModelId, TObject>

/** What each endpoint reads: the record minus the model's target. */
export type TrafficDensityRequest = Omit<TrafficRecord, 'Traffic Density'>
export type PeakHourRequest = Omit<TrafficRecord, 'Is Peak Hour'>
export type EnergyConsumptionRequest = Omit<TrafficRecord, 'Energy Consumption'>

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

export interface PredictResponses {
  traffic_density: TrafficDensityResponse
  is_peak_hour: PeakHourResponse
  energy_consumption: EnergyConsumptionResponse
}

export const FieldError = Type.Object({
  field: Type.Union([Type.String(), Type.Null()], {
    description: 'The column at fault; null for the body as a whole',
  }),
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
  error: Type.Union([Type.String(), Type.Null()], { description: 'Why the latest load failed, if it did' }),
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
  error: Type.Union([Type.String(), Type.Null()]),
  uid: Type.Union([Type.String(), Type.Null()]),
  spark_version: Type.Union([Type.String(), Type.Null()]),
  saved_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  loaded_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  stages: Type.Array(Type.String(), { description: 'Spark stage classes, in order' }),
  trees: Type.Integer({ description: 'Trees in the model (0 when not loaded)' }),
  nodes: Type.Integer({ description: 'Tree nodes in all (0 when not loaded)' }),
  training: Type.Unknown({
    description: "This model's entry of report.json (metrics, importances, rows…), or null",
  }),
})
export const ModelsResponse = Type.Object({
  models: Type.Array(ModelCard),
  report: Type.Unknown({ description: 'report.json written by `traffic train`, or null' }),
})
export type ModelCard = Static<typeof ModelCard>
export type ModelsResponse = Static<typeof ModelsResponse>
