// The three models of the contract: which column each predicts, from which part of the three-way split,
// with which features (all ten other columns).
import { type ColumnName, columnsExcept } from '../schema/columns.ts'

export type Task = 'regression' | 'classification'

export type ModelName = 'traffic_density_model' | 'peak_hour_model' | 'energy_consumption_model'

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

export const MODEL_SPECS: readonly ModelSpec[] = [
  {
    name: 'traffic_density_model',
    target: 'Traffic Density',
    task: 'regression',
    part: 0,
    features: columnsExcept('Traffic Density'),
  },
  {
    name: 'peak_hour_model',
    target: 'Is Peak Hour',
    task: 'classification',
    part: 1,
    features: columnsExcept('Is Peak Hour'),
  },
  {
    name: 'energy_consumption_model',
    target: 'Energy Consumption',
    task: 'regression',
    part: 2,
    features: columnsExcept('Energy Consumption'),
  },
]
