// The shape of `<models>/report.json`: what was trained on what, with which parameters, how well it does on
// held-out rows, what mattered, and how long each step took.
import type { ColumnName } from '../contract/columns.ts'
import type { TreeParams } from './algorithms.ts'
import type { Metrics } from './evaluate.ts'
import type { Importances } from './importances.ts'
import type { ModelName, Task } from './model-specs.ts'
import type { Encoding } from './pipeline.ts'

export interface StageReport {
  uid: string
  class: string
  /** Relative to the model folder, e.g. `stages/0_StringIndexer_0123456789ab`. */
  folder: string
}

export interface ModelReport {
  target: ColumnName
  task: Task
  /** Index (0-based) of the part of the three-way split. */
  part: number
  features: ColumnName[]
  rows: { part: number; train: number; test: number }
  /** The learner of the saved model, and the same in words, e.g. `GBT 40 iterations, depth 6, 32 bins, step 0.3`. */
  params: TreeParams
  learner: string
  /** With `--tune` (or the benchmark's comparison): every candidate fitted, its metrics and fit time. */
  candidates?: CandidatesReport
  pipeline: { uid: string; stages: StageReport[] }
  metrics: Metrics
  importances: Importances
  /** Fit warnings from the server (e.g. tree growth stopped at the ML cache size limit). */
  warnings: string[]
  /** Seconds per step. */
  timings: Record<string, number>
  parity: { file: string; rows: number }
}

export interface CandidateResult {
  params: TreeParams
  learner: string
  metrics: Metrics
  /** Seconds to fit the learner (the feature stages are shared by all candidates). */
  fitSeconds: number
  /** The server's Fit warning, e.g. trees stopped growing at the ML cache size limit (the score suffers). */
  warning?: string
}

export interface CandidatesReport {
  /**
   * `validation`: fitted on the training rows less a validation share, scored on that share (tuning: the best
   * is refitted on all training rows). `held-out`: fitted on the training rows, scored on the held-out rows.
   */
  scoredOn: 'validation' | 'held-out'
  /** What "best" means: R² for regression, area under ROC then accuracy for classification. */
  metric: string
  results: CandidateResult[]
}

export interface TrainingParams {
  encoding: Encoding
  /** Seed of the held-out split and of the learners. */
  seed: number
  /** The learner of each model (with `--tune`, the grid's best replaces it). */
  models: Record<ModelName, TreeParams>
}

export interface TrainingReport {
  trainedAt: string
  sparkVersion: string
  sparkRemote: string
  batches: { dir: string; files: number; rows: number }
  split: { weights: number[]; seed: number; holdoutFraction: number }
  params: TrainingParams
  models: Record<ModelName, ModelReport>
  /** Seconds per step of the whole run, `total` included. */
  timings: Record<string, number>
}
