// The stream as it flows: density per city over the last windows, throughput and consumer lag, the alerts feed,
// the served models' error on live records beside their held-out error, the data drift per feature, the simulated
// clock. Pausing freezes
// the view while the feed keeps running underneath; resuming jumps to now.
import { useMemo, useState } from 'react'
import type {
  FeatureDrift,
  LiveAlert,
  LiveSnapshot,
  LogEntry,
  ModelScoring,
  PartitionLag,
} from '../api/contract.ts'
import { lagChart, liveDensityChart, throughputChart } from '../charts/live.ts'
import { liveErrorChart } from '../charts/versions.ts'
import { Chart } from '../components/Chart.tsx'
import { ChartCard } from '../components/ChartCard.tsx'
import { type Column, RowsTable } from '../components/RowsTable.tsx'
import { useLiveFeed } from '../live.ts'
import { noRegistryEndpoint, useModelVersions } from '../useModelVersions.ts'

const number = (value: number, digits: number) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })

const shorten = (text: string, most: number) => (text.length > most ? `${text.slice(0, most)}…` : text)

function simulatedTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  })
}

const windowTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  })

function StatusLine({ snapshot }: { snapshot: LiveSnapshot }) {
  const { status, queries } = snapshot
  return (
    <p className="muted" data-testid="live-status">
      Kafka: {status.kafka}
      {status.message ? ` — ${status.message}` : ''}. Spark queries:{' '}
      {queries.list.length > 0
        ? queries.list
            .map((q) => {
              const speed =
                q.processedRowsPerSecond === null ? '' : `, ${number(q.processedRowsPerSecond, 0)} rows/s`
              return `${q.name} ${q.isActive ? 'active' : 'stopped'}${speed}`
            })
            .join('; ')
        : (queries.note ?? 'none')}
      .
    </p>
  )
}

function Charts({ snapshot }: { snapshot: LiveSnapshot }) {
  const options = useMemo(
    () => ({
      density: liveDensityChart(snapshot.windows.recent),
      throughput: throughputChart(snapshot.throughput.history),
      lag: lagChart(snapshot.throughput.history),
    }),
    [snapshot.windows.recent, snapshot.throughput.history],
  )
  const latest = snapshot.throughput.latest
  return (
    <>
      <ChartCard
        title="Traffic density per city"
        note="mean of each window, as Spark updates it"
        option={options.density}
        height={320}
        label="Lines of mean traffic density per city over the last windows"
        testId="chart-live-density"
      />
      <div className="grid-2">
        <ChartCard
          title="Throughput"
          note={
            latest
              ? `${number(latest.produce_rows_per_s, 0)} rows/s in, ${number(latest.consume_rows_per_s, 0)} read`
              : 'waiting for the first sample'
          }
          option={options.throughput}
          height={240}
          label="Rows per second produced and consumed"
          testId="chart-live-throughput"
        />
        <ChartCard
          title="Consumer lag"
          note={latest ? `${number(latest.lag, 0)} messages` : undefined}
          option={options.lag}
          height={240}
          label="Consumer lag over time"
          testId="chart-live-lag"
        >
          <LagTable snapshot={snapshot} />
        </ChartCard>
      </div>
    </>
  )
}

const LAG_COLUMNS: Column<PartitionLag>[] = [
  { header: 'Group', cell: (p) => p.group, className: () => 'group-name' },
  { header: 'Partition', cell: (p) => p.partition },
  { header: 'Committed', cell: (p) => number(p.committed, 0) },
  { header: 'End', cell: (p) => number(p.end, 0) },
  { header: 'Lag', cell: (p) => number(p.lag, 0) },
]

function LagTable({ snapshot }: { snapshot: LiveSnapshot }) {
  if (snapshot.lag.partitions.length === 0)
    return <p className="muted">No consumer group has committed yet.</p>
  return (
    <RowsTable
      columns={LAG_COLUMNS}
      rows={snapshot.lag.partitions}
      rowKey={(p) => `${p.group}-${p.topic}-${p.partition}`}
      testId="live-lag"
    />
  )
}

const ALERT_COLUMNS: Column<LiveAlert>[] = [
  { header: 'City', cell: (a) => a.city },
  { header: 'Window (simulated)', cell: (a) => windowTime(a.window_start) },
  {
    header: 'Severity',
    cell: (a) => a.severity,
    className: (a) => (a.severity === 'high' ? 'alert-value' : undefined),
  },
  { header: 'Mean density', cell: (a) => number(a.mean_traffic_density, 3), className: () => 'alert-value' },
  { header: 'Normal', cell: (a) => `${number(a.expected, 3)} ± ${number(a.spread, 3)}` },
  { header: 'Spreads above', cell: (a) => number(a.z, 1) },
  { header: 'Rows', cell: (a) => number(a.rows, 0) },
]

function Alerts({ snapshot }: { snapshot: LiveSnapshot }) {
  return (
    <div className="card">
      <h2>
        Congestion alerts{' '}
        <span className="muted">
          windows whose mean density was far above normal for the city, day and hour (low from 1 spread, high
          from 3)
        </span>
      </h2>
      {snapshot.alerts.length === 0 ? (
        <p className="muted">No alert yet.</p>
      ) : (
        <RowsTable
          columns={ALERT_COLUMNS}
          rows={snapshot.alerts}
          rowKey={(a) => `${a.city}-${a.window_start}`}
          testId="live-alerts"
        />
      )}
    </div>
  )
}

const DRIFT_COLUMNS: Column<FeatureDrift>[] = [
  { header: 'Feature', cell: (f) => f.feature },
  { header: 'PSI', cell: (f) => number(f.psi, 3) },
  {
    header: 'Drift',
    cell: (f) => f.level,
    className: (f) => (f.level === 'significant' ? 'alert-value' : undefined),
  },
]

function Drift({ snapshot }: { snapshot: LiveSnapshot }) {
  const { drift } = snapshot
  return (
    <div className="card">
      <h2>
        Data drift{' '}
        <span className="muted">
          PSI of the last {number(drift.window, 0)} live rows against the training rows (0.1 moderate, 0.25
          significant)
        </span>
      </h2>
      {drift.features.length === 0 ? (
        <p className="muted">No live row compared yet (or the models carry no training bins).</p>
      ) : (
        <RowsTable
          columns={DRIFT_COLUMNS}
          rows={drift.features}
          rowKey={(f) => f.feature}
          testId="live-drift"
        />
      )}
    </div>
  )
}

/** An error of a model, '–' until there is one. */
const errorColumn = (
  header: string,
  error: (m: ModelScoring) => { mae: number; rmse: number } | null,
  of: 'mae' | 'rmse',
): Column<ModelScoring> => ({
  header,
  cell: (model) => {
    const value = error(model)
    return value ? number(value[of], model.id === 'traffic_density' ? 4 : 2) : '–'
  },
})

const SCORING_COLUMNS: Column<ModelScoring>[] = [
  { header: 'Model', cell: (m) => m.target },
  errorColumn('Live MAE', (m) => m.live, 'mae'),
  errorColumn('Live RMSE', (m) => m.live, 'rmse'),
  errorColumn('Held-out MAE', (m) => m.held_out, 'mae'),
  errorColumn('Held-out RMSE', (m) => m.held_out, 'rmse'),
]

/** One empty log for every render: the chart's option is not rebuilt for a new empty array. */
const NO_ENTRIES: LogEntry[] = []

interface ScoringProps {
  snapshot: LiveSnapshot
  /** The promotion log; null when the API has no model registry. */
  log: readonly LogEntry[] | null
}

function Scoring({ snapshot, log }: ScoringProps) {
  const { scoring } = snapshot
  const errorOption = useMemo(
    () => liveErrorChart(snapshot.throughput.history, log ?? NO_ENTRIES),
    [snapshot.throughput.history, log],
  )
  // Both queries read the same rows: the larger count is the one over more batches.
  const queries = snapshot.queries.list
  const sparkMalformed = queries.length ? Math.max(...queries.map((q) => q.recentMalformedRows)) : null
  return (
    <div className="card">
      <h2>
        Live model error{' '}
        <span className="muted">
          the last {number(scoring.window, 0)} records per model, beside the held-out error
        </span>
      </h2>
      <Chart
        option={errorOption}
        height={260}
        label="Each model's live error over its held-out error along time, promotions and rollbacks marked"
        testId="chart-live-error"
      />
      <p className="muted small">
        Live MAE over held-out MAE: 1 is as good as on held-out rows. Dashed lines: the champion promoted or
        rolled back{log ? '' : ' (this API has no model registry: none to mark)'}.
      </p>
      <RowsTable columns={SCORING_COLUMNS} rows={scoring.models} rowKey={(m) => m.id} testId="live-scoring" />
      <p className="muted" data-testid="live-malformed">
        {number(scoring.scored, 0)} records scored
        {scoring.skipped > 0 ? `, ${number(scoring.skipped, 0)} left unscored above the rate cap` : ''}
        {scoring.scenario_rows > 0
          ? `, ${number(scoring.scenario_rows, 0)} made up by a scenario (not scored: they never happened)`
          : ''}
        ; {number(scoring.malformed, 0)} malformed messages
        {scoring.last_malformed ? ` (latest: ${shorten(scoring.last_malformed, 160)})` : ''}.
        {sparkMalformed === null
          ? ''
          : ` Spark skipped ${number(sparkMalformed, 0)} malformed messages in its recent micro-batches.`}
      </p>
    </div>
  )
}

export function LivePage() {
  const feed = useLiveFeed()
  const versions = useModelVersions()
  const [frozen, setFrozen] = useState<LiveSnapshot | null>(null)
  const current = feed.state === 'live' ? feed.snapshot : null
  const shown = frozen ?? current

  return (
    <section className="page" aria-labelledby="live-title">
      <div className="live-head">
        <h1 id="live-title">Live</h1>
        <p className="live-clock" data-testid="live-clock">
          {shown?.clock
            ? `Simulated clock: ${simulatedTime(shown.clock)} UTC`
            : 'Simulated clock: no event yet'}
        </p>
        <button
          type="button"
          onClick={() => setFrozen(frozen ? null : current)}
          disabled={!current}
          aria-pressed={frozen !== null}
        >
          {frozen ? 'Resume' : 'Pause'}
        </button>
      </div>
      {feed.state === 'connecting' && <p className="muted">Connecting to the live feed…</p>}
      {feed.state === 'down' && (
        <p className="banner banner-bad" role="alert">
          The live feed is not reachable (the API is down?); retrying every few seconds.
        </p>
      )}
      {shown && (
        <>
          {frozen && (
            <p className="banner banner-warn">Paused: the view is frozen; the feed keeps running.</p>
          )}
          <StatusLine snapshot={shown} />
          <Charts snapshot={shown} />
          <Alerts snapshot={shown} />
          <Scoring
            snapshot={shown}
            log={noRegistryEndpoint(versions.error) ? null : (versions.data?.log ?? NO_ENTRIES)}
          />
          <Drift snapshot={shown} />
        </>
      )}
    </section>
  )
}
