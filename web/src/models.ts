// The three models as the UI presents them. What they are (ids, folders, targets, features) and the forms'
// defaults (the seed README's example payloads) come from the API's own modules; here only how to show them.
import { SEED_EXAMPLES } from '../../src/api/schemas.ts'
import type { TrafficRecord } from '../../src/schema/columns.ts'
import { COLUMNS, type ColumnName } from '../../src/schema/columns.ts'
import { featuresOf, type ModelId, SERVED_MODELS, type ServedModel } from '../../src/serving/model-catalog.ts'
import type { EnergyConsumptionResponse, PeakHourResponse, TrafficDensityResponse } from './api/contract.ts'

export type { ModelId }

export interface Predictions {
  traffic_density: TrafficDensityResponse
  is_peak_hour: PeakHourResponse
  energy_consumption: EnergyConsumptionResponse
}

export interface ModelView<M extends ModelId = ModelId> {
  id: M
  /** The model's folder name, also its key in `GET /`'s models_status (`<folder>_loaded`). */
  folder: ServedModel['folder']
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

const VIEW: { [M in ModelId]: Pick<ModelView<M>, 'title' | 'endpoint' | 'value' | 'digits'> } = {
  traffic_density: {
    title: 'Traffic density',
    endpoint: '/predict_traffic_density',
    value: (prediction) => prediction.predicted_traffic_density,
    digits: 4,
  },
  is_peak_hour: {
    title: 'Peak hour',
    endpoint: '/predict_is_peak_hour',
    value: (prediction) =>
      prediction.predicted_is_peak_hour === 1
        ? prediction.probability_of_predicted_class
        : 1 - prediction.probability_of_predicted_class,
    digits: 4,
  },
  energy_consumption: {
    title: 'Energy consumption',
    endpoint: '/predict_energy_consumption',
    value: (prediction) => prediction.predicted_energy_consumption,
    digits: 2,
  },
}

function view<M extends ModelId>(model: ServedModel & { id: M }): ModelView<M> {
  return {
    ...VIEW[model.id],
    id: model.id,
    folder: model.folder,
    target: model.target,
    features: featuresOf(model),
    batchEndpoint: `/predict/${model.id}/batch`,
    defaults: SEED_EXAMPLES[model.id] as Partial<TrafficRecord>,
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
