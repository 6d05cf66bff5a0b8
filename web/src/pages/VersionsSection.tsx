// The model registry on the Models page: every trained version with its held-out scores (champion and challenger
// marked), and the promotion log — what was promoted, rejected or rolled back, when, why, with the numbers.
import { useMemo } from 'react'
import type { LogEntry, RegistryView, VersionRecord } from '../api/contract.ts'
import { versionScoresChart } from '../charts/versions.ts'
import { ChartCard } from '../components/ChartCard.tsx'
import { type Column, RowsTable } from '../components/RowsTable.tsx'
import { noRegistryEndpoint, useModelVersions } from '../useModelVersions.ts'
import { HEADLINES, shortId } from '../versions.ts'

const time = (iso: string) => new Date(iso).toLocaleString('en-GB')
const score = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(4))

const ACTIONS: Record<LogEntry['action'], string> = {
  promote: 'promoted',
  reject: 'rejected',
  rollback: 'rolled back',
}

function versionColumns({ champion, challenger }: RegistryView): Column<VersionRecord>[] {
  return [
    {
      header: 'Version',
      cell: (version) => (
        <>
          <code title={version.id}>{version.id}</code>
          {version.id === champion && <span className="tag tag-champion">champion</span>}
          {version.id === challenger && <span className="tag tag-challenger">challenger</span>}
        </>
      ),
    },
    { header: 'Trained at', cell: (version) => time(version.trainedAt) },
    { header: 'Reason', cell: (version) => version.reason, text: true },
    { header: 'Rows', cell: (version) => version.data.rows.toLocaleString('en') },
    ...HEADLINES.map(
      (headline): Column<VersionRecord> => ({
        header: headline.label,
        cell: (version) => {
          const metrics = version.metrics[headline.model.folder]
          return score(metrics && headline.value(metrics))
        },
      }),
    ),
  ]
}

/** Champion → challenger per model on the same held-out rows, a tick where the challenger did better. */
function Comparison({ entry }: { entry: LogEntry }) {
  const { comparison } = entry
  if (!comparison) return <span className="muted">–</span>
  return (
    <ul className="comparison">
      <li className="muted">on {comparison.rows.toLocaleString('en')} held-out rows</li>
      {HEADLINES.map(({ model, label, value }) => {
        const pair = comparison.models[model.folder]
        return (
          pair && (
            <li key={model.id}>
              {label}: {score(value(pair.champion))} → {score(value(pair.challenger))}
              {pair.better ? ' ✔' : ' ✘'}
            </li>
          )
        )
      })}
    </ul>
  )
}

const LOG_COLUMNS: Column<LogEntry>[] = [
  { header: 'Time', cell: (entry) => time(entry.at) },
  { header: 'Action', cell: (entry) => ACTIONS[entry.action] },
  {
    header: 'From → to',
    cell: (entry) => (
      <>
        <code>{entry.from ? shortId(entry.from) : 'none'}</code> → <code>{shortId(entry.to)}</code>
      </>
    ),
  },
  { header: 'Reason', cell: (entry) => entry.reason, text: true },
  { header: 'Numbers', cell: (entry) => <Comparison entry={entry} /> },
]

function History({ registry }: { registry: RegistryView }) {
  const { versions, champion, log } = registry
  const option = useMemo(() => versionScoresChart(versions, champion), [versions, champion])
  const newestFirst = useMemo(() => [...log].reverse(), [log])
  const columns = useMemo(() => versionColumns(registry), [registry])
  if (versions.length === 0)
    return (
      <p className="placeholder" data-testid="versions-empty">
        No trained version yet: <code>npx traffic train</code> records the first.
      </p>
    )
  return (
    <>
      <div className="card">
        <h2>
          Versions <span className="muted">newest first; held-out scores of each version's own training</span>
        </h2>
        <RowsTable
          columns={columns}
          rows={versions}
          rowKey={(version) => version.id}
          rowClassName={(version) => (version.id === champion ? 'chosen' : undefined)}
          testId="versions"
        />
      </div>
      {versions.length > 1 && (
        <ChartCard
          title="Held-out scores by version"
          note="oldest to newest"
          option={option}
          height={240}
          label="Each model's held-out score per version, the champion marked"
          testId="chart-versions"
        />
      )}
      <div className="card">
        <h2>
          Promotion log <span className="muted">newest first</span>
        </h2>
        {newestFirst.length === 0 ? (
          <p className="muted">Nothing promoted yet.</p>
        ) : (
          <RowsTable
            columns={LOG_COLUMNS}
            rows={newestFirst}
            rowKey={(entry) => String(entry.seq)}
            testId="promotion-log"
          />
        )}
      </div>
    </>
  )
}

export function VersionsSection() {
  const registry = useModelVersions()
  if (noRegistryEndpoint(registry.error))
    return (
      <p className="note" data-testid="versions-unsupported">
        This API has no model registry (no <code>GET /models/versions</code>: an older version): no version
        history or promotion log to show.
      </p>
    )
  return (
    <>
      {registry.error && (
        <p className="error" role="alert">
          Could not load the model versions: {registry.error.message}
        </p>
      )}
      {registry.data ? (
        <History registry={registry.data} />
      ) : (
        registry.loading && <p className="muted">Loading the model versions…</p>
      )}
    </>
  )
}
