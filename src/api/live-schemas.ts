// The HTTP contract of the live view (GET /live and the events of GET /live/events): what Spark's streaming
// queries wrote to the windows and alerts topics, the stream's throughput and lag from Kafka's own offsets, and
// the served models scored on the stream. Used for the OpenAPI document, response serialisation and the web UI.
import { type Static, Type } from '@sinclair/typebox'
import { Nullable } from './schemas.ts'

const Time = Type.String({ format: 'date-time' })

/** What a window and an alert both say: the city, the window, its rows and their mean density. */
const cityWindow = {
  city: Type.String(),
  window_start: Time,
  window_end: Time,
  rows: Type.Integer(),
  mean_traffic_density: Type.Number(),
}

/** One (city, window) of `urban_traffic_windows`: the latest value Spark sent for it (update mode). */
export const LiveWindow = Type.Object({
  ...cityWindow,
  mean_speed: Type.Number(),
  peak_share: Type.Number({ description: 'Share of peak-hour rows, 0–1' }),
  mean_energy_consumption: Type.Number(),
})
export type LiveWindow = Static<typeof LiveWindow>

/** A window whose mean density was far above normal for its city, day and hour (`urban_traffic_alerts`). */
export const LiveAlert = Type.Object({
  ...cityWindow,
  expected: Type.Number({ description: 'Mean density of the training rows of that city, day and hour' }),
  spread: Type.Number({ description: 'Their standard deviation' }),
  threshold: Type.Number({ description: 'Where a low alert starts: expected + 1 spread' }),
  z: Type.Number({ description: 'How many spreads the window’s mean is above the expected level' }),
  severity: Type.Union([Type.Literal('low'), Type.Literal('high')], {
    description: 'low from 1 spread above the expected level, high from 3',
  }),
})
export type LiveAlert = Static<typeof LiveAlert>

export const LiveStatus = Type.Object({
  kafka: Type.Union(
    [Type.Literal('off'), Type.Literal('connecting'), Type.Literal('up'), Type.Literal('unreachable')],
    { description: 'off: started with --no-live' },
  ),
  message: Nullable(Type.String(), { description: 'Why live data is missing, if it is' }),
})
export type LiveStatus = Static<typeof LiveStatus>

export const ThroughputSample = Type.Object({
  time: Time,
  produce_rows_per_s: Type.Number({ description: 'Growth of the stream topic’s end offsets' }),
  consume_rows_per_s: Type.Number({ description: 'Rows this API read from the stream' }),
  lag: Type.Integer({ description: 'Total lag of all consumer groups on the stream topic' }),
  error_ratios: Type.Record(Type.String(), Type.Number(), {
    description:
      'Each scored model’s live MAE over its held-out MAE at this time (1: as good as on held-out rows), by model ' +
      'id; models without either are left out',
  }),
})
export type ThroughputSample = Static<typeof ThroughputSample>

export const PartitionLag = Type.Object({
  group: Type.String(),
  topic: Type.String(),
  partition: Type.Integer(),
  committed: Type.Integer(),
  end: Type.Integer(),
  lag: Type.Integer(),
})
export type PartitionLag = Static<typeof PartitionLag>

/** Spark's own progress of one streaming query (StreamingQueryProgress). */
export const LiveQuery = Type.Object({
  name: Type.String(),
  id: Type.String(),
  runId: Type.String(),
  isActive: Type.Boolean(),
  batchId: Nullable(Type.Number()),
  numInputRows: Nullable(Type.Number()),
  inputRowsPerSecond: Nullable(Type.Number()),
  processedRowsPerSecond: Nullable(Type.Number()),
  batchDurationMs: Nullable(Type.Number()),
  watermark: Nullable(Type.String()),
  timestamp: Nullable(Type.String()),
  malformedRows: Nullable(Type.Number({ description: 'Malformed messages in the latest micro-batch' })),
  recentMalformedRows: Type.Number({
    description: 'Malformed messages in the micro-batches Spark still reports (its last 100)',
  }),
})
export type LiveQuery = Static<typeof LiveQuery>

/** A model's error, on held-out rows or on the stream. */
const errorMetrics = { mae: Type.Number(), rmse: Type.Number() }

export const RollingError = Type.Object({
  count: Type.Integer({ description: 'Records in the rolling window' }),
  ...errorMetrics,
})
export type RollingError = Static<typeof RollingError>

export const ModelScoring = Type.Object({
  id: Type.String(),
  target: Type.String(),
  held_out: Nullable(Type.Object(errorMetrics), {
    description: 'The held-out error of report.json',
  }),
  live: Nullable(RollingError, { description: 'All cities; null until a record is scored' }),
  cities: Type.Array(Type.Intersect([Type.Object({ city: Type.String() }), RollingError])),
})
export type ModelScoring = Static<typeof ModelScoring>

export const LiveScoring = Type.Object({
  window: Type.Integer({ description: 'Latest records per model and city the rolling error covers' }),
  scored: Type.Integer(),
  skipped: Type.Integer({ description: 'Valid records left unscored above the scoring rate cap' }),
  malformed: Type.Integer({ description: 'Stream messages that are not a valid record' }),
  last_malformed: Nullable(Type.String(), {
    description: 'Why the latest one was rejected',
  }),
  scenario_rows: Type.Integer({
    description:
      'Rows a live scenario made up (Kafka header traffic.scenario): in the windows and alerts, never scored',
  }),
  models: Type.Array(ModelScoring),
})
export type LiveScoring = Static<typeof LiveScoring>

export const FeatureDrift = Type.Object({
  feature: Type.String(),
  psi: Type.Number({
    description: 'Population Stability Index of the live window against the training rows',
  }),
  level: Type.Union([Type.Literal('none'), Type.Literal('moderate'), Type.Literal('significant')], {
    description: 'none below 0.1, moderate from 0.1, significant from 0.25',
  }),
})
export type FeatureDrift = Static<typeof FeatureDrift>

export const DataDrift = Type.Object(
  {
    window: Type.Integer({ description: 'Latest real stream rows the live side of the PSI covers' }),
    rows: Type.Integer({ description: 'Rows in it so far' }),
    features: Type.Array(FeatureDrift, {
      description: 'Empty until a row arrives, or when the models carry no training bins (analytics.json)',
    }),
  },
  {
    description:
      'Data drift per feature: PSI between the training rows (bins saved with the models) and the latest live rows',
  },
)
export type DataDrift = Static<typeof DataDrift>

const stats = {
  status: LiveStatus,
  clock: Nullable(Time, {
    description: 'The latest simulated event time seen on the stream',
  }),
  throughput: Type.Object({
    latest: Nullable(ThroughputSample),
    history: Type.Array(ThroughputSample),
  }),
  lag: Type.Object({ updated_at: Nullable(Time), partitions: Type.Array(PartitionLag) }),
  queries: Type.Object({
    note: Nullable(Type.String(), { description: 'Why no query is listed, if none is' }),
    list: Type.Array(LiveQuery),
  }),
  scoring: LiveScoring,
  drift: DataDrift,
}

/** What changes every second: everything but the windows and alerts, which have events of their own. */
export const LiveStats = Type.Object(stats)
export type LiveStats = Static<typeof LiveStats>

export const LiveSnapshot = Type.Object({
  ...stats,
  windows: Type.Object({
    latest: Type.Array(LiveWindow, { description: 'The latest window of each city' }),
    recent: Type.Array(LiveWindow, { description: 'The last windows of every city, oldest first' }),
  }),
  alerts: Type.Array(LiveAlert, { description: 'The last alerts, latest window first' }),
})
export type LiveSnapshot = Static<typeof LiveSnapshot>

/** The events of GET /live/events, by SSE event name. */
export interface LiveEvents {
  snapshot: LiveSnapshot
  window: LiveWindow
  alert: LiveAlert
  stats: LiveStats
}
