// The three models of the contract: which column each predicts, from which part of the three-way split,
// with which features (all ten other columns).
import type { ColumnName } from '../contract/columns.ts'
import { featuresOf, MODELS, type ModelDefinition } from '../contract/models.ts'

export type Task = ModelDefinition['task']

export type ModelName = ModelDefinition['folder']

export interface ModelSpec {
  /** Folder name under the models directory, as the seed names it. */
  name: ModelName
  target: ColumnName
  task: Task
  /** Index of the part of the three-way split the model trains and is evaluated on. */
  part: number
  features: readonly ColumnName[]
}

/** The seed's split: `randomSplit([0.33, 0.33, 0.34], seed=12345)`, one part per model. */
export const SPLIT_WEIGHTS: readonly number[] = [0.33, 0.33, 0.34]
export const SPLIT_SEED = 12345
/** Share of each part held out for evaluation (and parity rows). */
export const HOLDOUT_FRACTION = 0.2

/** Model i trains on part i of the split; its features are all ten other columns (the seed's choice). */
export const MODEL_SPECS: readonly ModelSpec[] = MODELS.map((model, part) => ({
  name: model.folder,
  target: model.target,
  task: model.task,
  part,
  features: featuresOf(model),
}))
