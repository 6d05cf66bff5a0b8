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
  ModelVersionsResponse,
  PeakHourResponse,
  PredictResponses,
  RootResponse,
  TrafficDensityResponse,
} from '../../../src/api/schemas.ts'
export type {
  Action,
  Comparison,
  LogEntry,
  RegistryView,
  VersionRecord,
} from '../../../src/lifecycle/versions.ts'
export type { Analytics } from '../../../src/training/analytics.ts'
export type { ClassificationMetrics, Metrics, RegressionMetrics } from '../../../src/training/evaluate.ts'
export type { ModelReport, TrainingReport } from '../../../src/training/report.ts'
