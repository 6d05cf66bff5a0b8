// The model registry's records, as the registry stores them and the API and the web UI show them: types only.
import type { Metrics } from '../training/evaluate.ts'
import type { ModelName } from '../training/model-specs.ts'
import type { TrainingParams } from '../training/report.ts'

export interface TrainingData {
  topic: string
  batches: number
  rows: number
  /** The offset ranges of the batch files read, per partition. */
  partitions: { partition: number; first: number; last: number }[]
}

export interface VersionRecord {
  id: string
  /** ISO time. */
  trainedAt: string
  /** Why it was trained: 'traffic train', 'new rows: 100000', 'schedule', 'drift: …'. */
  reason: string
  data: TrainingData
  /** Each model's learner in words, e.g. 'GBT 80 iterations, depth 6, 32 bins, step 0.2'. */
  learners: Record<ModelName, string>
  params: TrainingParams
  /** Held-out metrics of its own training. */
  metrics: Record<ModelName, Metrics>
}

export type Action = 'promote' | 'reject' | 'rollback'

/** Champion against challenger on the same newest held-out rows. */
export interface Comparison {
  rows: number
  models: Record<ModelName, { champion: Metrics; challenger: Metrics; better: boolean }>
}

export interface LogEntry {
  seq: number
  at: string
  action: Action
  /** The champion before (null for the first). */
  from: string | null
  /** The champion after; for 'reject', the rejected challenger. */
  to: string
  reason: string
  comparison?: Comparison
}

export interface Aliases {
  /** The served version. */
  champion: string | null
  challenger: string | null
}

/** Everything the registry holds, as `GET /models/versions` and `traffic models list --json` show it. */
export interface RegistryView extends Aliases {
  versions: VersionRecord[]
  log: LogEntry[]
}
