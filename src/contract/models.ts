// The three models of the contract, shared by the trainer and the API: the seed's folder names, the column each
// predicts, the kind of prediction and the features it reads. In the seed's order, which is also the order of the
// three-way split.
import { type ColumnName, columnsExcept } from './columns.ts'

export const MODELS = [
  { id: 'traffic_density', folder: 'traffic_density_model', target: 'Traffic Density', task: 'regression' },
  { id: 'is_peak_hour', folder: 'peak_hour_model', target: 'Is Peak Hour', task: 'classification' },
  {
    id: 'energy_consumption',
    folder: 'energy_consumption_model',
    target: 'Energy Consumption',
    task: 'regression',
  },
] as const

/** The training's report and its data-set analytics (the live alerts' thresholds among them), beside the models. */
export const REPORT_FILE = 'report.json'
export const ANALYTICS_FILE = 'analytics.json'
/** The model registry's record of a version (src/lifecycle/versions.ts). */
export const VERSION_FILE = 'version.json'

export type ModelDefinition = (typeof MODELS)[number]

/** A model's features: every column but its target, in file order (the seed's choice). Training and serving both. */
export function featuresOf(model: ModelDefinition): Exclude<ColumnName, ModelDefinition['target']>[] {
  return columnsExcept(model.target)
}
