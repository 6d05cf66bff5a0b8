// The three models the seed trains and serves: folder names (contract), targets, and the columns each reads.
import { COLUMNS, type ColumnName, columnsExcept } from '../schema/columns.ts'
import type { InputColumn } from './evaluator.ts'

export const SERVED_MODELS = [
  { id: 'traffic_density', folder: 'traffic_density_model', target: 'Traffic Density', task: 'regression' },
  { id: 'is_peak_hour', folder: 'peak_hour_model', target: 'Is Peak Hour', task: 'classification' },
  {
    id: 'energy_consumption',
    folder: 'energy_consumption_model',
    target: 'Energy Consumption',
    task: 'regression',
  },
] as const

export type ServedModel = (typeof SERVED_MODELS)[number]
export type ModelId = ServedModel['id']

/** A model's features: every column but its target, in file order (the seed's choice). */
export function featuresOf(model: ServedModel): Exclude<ColumnName, ServedModel['target']>[] {
  return columnsExcept(model.target)
}

/** The features with the value type the evaluator should expect. */
export function inputColumnsOf(model: ServedModel): InputColumn[] {
  const features: readonly string[] = featuresOf(model)
  return COLUMNS.filter((column) => features.includes(column.name)).map((column) => ({
    name: column.name,
    type: column.kind === 'category' ? 'string' : 'number',
  }))
}
