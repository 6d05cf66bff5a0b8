// The stream as it flows: density per city over the last windows, throughput and consumer lag, the alerts feed,
// the served models' error on live records beside their held-out error, the data drift per feature, the simulated
// clock. Pausing freezes
// the view while the feed keeps running underneath; resuming jumps to now.
import { useMemo, useState } from 'react'
import type { LiveSnapshot, ModelScoring } from '../api/contract.ts'
import { lagChart, liveDensityChart, throughputChart } from '../charts/live.ts'
import { ChartCard } from '../components/ChartCard.tsx'
import { useLiveFeed } from '../live.ts'

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

function LagTable({ snapshot }: { snapshot: LiveSnapshot }) {
  if (snapshot.lag.partitions.length === 0)
    return <p className="muted">No consumer group has committed yet.</p>
  return (
    <div className="table-scroll">
      <table className="rows-table" data-testid="live-lag">
        <thead>
          <tr>
            <th scope="col">Group</th>
            <th scope="col">Partition</th>
            <th scope="col">Committed</th>
            <th scope="col">End</th>
            <th scope="col">Lag</th>
          </tr>
        </thead>
        <tbody>
          {snapshot.lag.partitions.map((p) => (
            <tr key={`${p.group}-${p.topic}-${p.partition}`}>
              <th scope="row" className="group-name">
                {p.group}
              </th>
              <td>{p.partition}</td>
              <td>{number(p.committed, 0)}</td>
              <td>{number(p.end, 0)}</td>
              <td>{number(p.lag, 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

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
        <div className="table-scroll">
          <table className="rows-table" data-testid="live-alerts">
            <thead>
              <tr>
                <th scope="col">Window (simulated)</th>
                <th scope="col">City</th>
                <th scope="col">Severity</th>
                <th scope="col">Mean density</th>
                <th scope="col">Normal</th>
                <th scope="col">Spreads above</th>
                <th scope="col">Rows</th>
              </tr>
            </thead>
            <tbody>
              {snapshot.alerts.map((a) => (
                <tr key={`${a.city}-${a.window_start}`}>
                  <td>{windowTime(a.window_start)}</td>
                  <th scope="row">{a.city}</th>
                  <td className={a.severity === 'high' ? 'alert-value' : undefined}>{a.severity}</td>
                  <td className="alert-value">{number(a.mean_traffic_density, 3)}</td>
                  <td>
                    {number(a.expected, 3)} ± {number(a.spread, 3)}
                  </td>
                  <td>{number(a.z, 1)}</td>
                  <td>{number(a.rows, 0)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

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
        <div className="table-scroll">
          <table className="rows-table" data-testid="live-drift">
            <thead>
              <tr>
                <th scope="col">Feature</th>
                <th scope="col">PSI</th>
                <th scope="col">Drift</th>
              </tr>
            </thead>
            <tbody>
              {drift.features.map((f) => (
                <tr key={f.feature}>
                  <th scope="row">{f.feature}</th>
                  <td>{number(f.psi, 3)}</td>
                  <td className={f.level === 'significant' ? 'alert-value' : undefined}>{f.level}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

function errorCells(error: { mae: number; rmse: number } | null, digits: number) {
  return error ? (
    <>
      <td>{number(error.mae, digits)}</td>
      <td>{number(error.rmse, digits)}</td>
    </>
  ) : (
    <td colSpan={2} className="muted">
      –
    </td>
  )
}

function Scoring({ snapshot }: { snapshot: LiveSnapshot }) {
  const { scoring } = snapshot
  const digits = (model: ModelScoring) => (model.id === 'traffic_density' ? 4 : 2)
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
      <div className="table-scroll">
        <table className="rows-table" data-testid="live-scoring">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Live MAE</th>
              <th scope="col">Live RMSE</th>
              <th scope="col">Held-out MAE</th>
              <th scope="col">Held-out RMSE</th>
            </tr>
          </thead>
          <tbody>
            {scoring.models.map((model) => (
              <tr key={model.id}>
                <th scope="row">{model.target}</th>
                {errorCells(model.live, digits(model))}
                {errorCells(model.held_out, digits(model))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
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
          <Scoring snapshot={shown} />
          <Drift snapshot={shown} />
        </>
      )}
    </section>
  )
}
