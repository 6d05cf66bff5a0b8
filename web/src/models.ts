// The three models as the UI presents them. What they are (ids, folders, targets, features), their endpoints and
// the forms' defaults (the seed README's example payloads) come from the API's own plain-data modules; here only
// how to show them.
import { API_PATHS } from '../../src/api/endpoints.ts'
import { SEED_EXAMPLES } from '../../src/api/seed-examples.ts'
import type { TrafficRecord } from '../../src/contract/columns.ts'
import { COLUMNS, type ColumnName } from '../../src/contract/columns.ts'
import { featuresOf, type ModelId, SERVED_MODELS, type ServedModel } from '../../src/serving/model-catalog.ts'
import type { PredictResponses } from './api/contract.ts'

export type { ModelId }

export type Predictions = PredictResponses

export interface ModelView<M extends ModelId = ModelId> {
  id: M
  /** The model's folder name, also its key in `GET /`'s models_status (`<folder>_loaded`). */
  folder: ServedModel['folder']
  task: ServedModel['task']
  title: string
  target: ColumnName
  features: ColumnName[]
  endpoint: string
  batchEndpoint: string
  defaults: Partial<TrafficRecord>
  /** The number the charts draw: density, P(peak hour), or energy. */
  value(prediction: Predictions[M]): number
  /** Decimals the charts' labels use. */
  digits: number
}

const VIEW: { [M in ModelId]: Pick<ModelView<M>, 'title' | 'value' | 'digits'> } = {
  traffic_density: {
    title: 'Traffic density',
    value: (prediction) => prediction.predicted_traffic_density,
    digits: 4,
  },
  is_peak_hour: {
    title: 'Peak hour',
    value: (prediction) =>
      prediction.predicted_is_peak_hour === 1
        ? prediction.probability_of_predicted_class
        : 1 - prediction.probability_of_predicted_class,
    digits: 4,
  },
  energy_consumption: {
    title: 'Energy consumption',
    value: (prediction) => prediction.predicted_energy_consumption,
    digits: 2,
  },
}

function view<M extends ModelId>(model: ServedModel & { id: M }): ModelView<M> {
  return {
    ...VIEW[model.id],
    id: model.id,
    folder: model.folder,
    task: model.task,
    target: model.target,
    features: featuresOf(model),
    endpoint: API_PATHS.predict(model.id),
    batchEndpoint: API_PATHS.predictBatch(model.id),
    defaults: SEED_EXAMPLES[model.id],
  } as ModelView<M>
}

export const MODELS: ModelView[] = SERVED_MODELS.map((model) => view(model))

export function loadedFlag(model: ModelView): string {
  return `${model.folder}_loaded`
}

export function columnOf(name: ColumnName) {
  const column = COLUMNS.find((c) => c.name === name)
  if (!column) throw new Error(`unknown column ${name}`)
  return column
}
