// The three models the API serves (src/contract/models.ts) and the columns each reads.
import { COLUMNS } from '../contract/columns.ts'
import { featuresOf, MODELS, type ModelDefinition } from '../contract/models.ts'
import type { InputColumn } from './evaluator.ts'

export const SERVED_MODELS = MODELS

export type ServedModel = ModelDefinition
export type ModelId = ServedModel['id']

export { featuresOf }

/** The features with the value type the evaluator should expect. */
export function inputColumnsOf(model: ServedModel): InputColumn[] {
  const features: readonly string[] = featuresOf(model)
  return COLUMNS.filter((column) => features.includes(column.name)).map((column) => ({
    name: column.name,
    type: column.kind === 'category' ? 'string' : 'number',
  }))
}
