// The API's JSON, as the API itself declares it (src/api/schemas.ts is the one contract): types only, nothing of the server is bundled.

export type {
  FeatureDrift,
  LiveAlert,
  LiveEvents,
  LiveQuery,
  LiveScoring,
  LiveSnapshot,
  LiveStats,
  LiveWindow,
  ModelScoring,
  PartitionLag,
  ThroughputSample,
} from '../../../src/api/live-schemas.ts'
export type {
  EnergyConsumptionResponse,
  ErrorResponse,
  FieldError,
  ModelCard,
  ModelsResponse,
  PeakHourResponse,
  PredictResponses,
  RootResponse,
  TrafficDensityResponse,
} from '../../../src/api/schemas.ts'
export type { Analytics } from '../../../src/training/analytics.ts'
export type { ClassificationMetrics, Metrics, RegressionMetrics } from '../../../src/training/evaluate.ts'
export type { ModelReport, TrainingReport } from '../../../src/training/report.ts'

import type { Metrics } from '../../../src/training/evaluate.ts'
import type { ModelName } from '../../../src/training/model-specs.ts'
import type { TrainingParams } from '../../../src/training/report.ts'

/** One trained version of the three models (its version.json). */
export interface VersionRecord {
  id: string
  trainedAt: string
  reason: string
  data: {
    topic: string
    batches: number
    rows: number
    partitions: { partition: number; first: number; last: number }[]
  }
  learners: Record<ModelName, string>
  params: TrainingParams
  metrics: Record<ModelName, Metrics>
}

export type VersionAction = 'promote' | 'reject' | 'rollback'

/** One entry of the promotion log: champion before → after, or the rejected challenger. */
export interface VersionLogEntry {
  seq: number
  at: string
  action: VersionAction
  from: string | null
  to: string
  reason: string
  comparison?: {
    rows: number
    models: Record<ModelName, { champion: Metrics; challenger: Metrics; better: boolean }>
  }
}

/** GET /models/versions */
export interface ModelVersionsResponse {
  champion: string | null
  challenger: string | null
  versions: VersionRecord[]
  log: VersionLogEntry[]
}
