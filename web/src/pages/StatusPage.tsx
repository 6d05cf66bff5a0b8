// Status, like the seed's sidebar: is the API reachable, which models it has loaded, and what to run if not.
import type { ReactNode } from 'react'
import { MODELS } from '../models.ts'
import { type ApiStatus, modelLoaded, START_COMMANDS } from '../status.ts'

interface StatusPageProps {
  status: ApiStatus
  apiUrl?: string
  onRecheck(): void
}

function Check({ ok, children }: { ok: boolean | undefined; children: ReactNode }) {
  const mark = ok === undefined ? '–' : ok ? '✔' : '✖'
  const tone = ok === undefined ? 'neutral' : ok ? 'good' : 'bad'
  return (
    <li className={`check check-${tone}`}>
      <span className="mark" aria-hidden="true">
        {mark}
      </span>
      <span>
        <span className="sr-only">{ok === undefined ? 'unknown: ' : ok ? 'ok: ' : 'problem: '}</span>
        {children}
      </span>
    </li>
  )
}

export function StatusPage({ status, apiUrl, onRecheck }: StatusPageProps) {
  const up = status.state === 'up'
  const known = status.state !== 'checking'
  return (
    <section className="page" aria-labelledby="status-title">
      <h1 id="status-title">Status</h1>
      <div className="card">
        <ul className="checks" data-testid="status-checks">
          <Check ok={known ? up : undefined}>
            API {apiUrl ? <code>{apiUrl}</code> : null}{' '}
            {status.state === 'up'
              ? `— reachable: “${status.root.status}”`
              : status.state === 'down'
                ? `— ${status.reason}`
                : 'being checked'}
          </Check>
          {MODELS.map((model) => (
            <Check key={model.id} ok={up ? modelLoaded(status, model) : undefined}>
              {model.title} model (<code>{model.folder}</code>){' '}
              {up ? (modelLoaded(status, model) ? 'loaded' : 'not loaded') : 'unknown'}
            </Check>
          ))}
        </ul>
        {status.state === 'up' && <p className="muted">{status.root.message}</p>}
        {apiUrl && (
          <p className="muted">
            API documentation: <a href={`${apiUrl}/docs`}>{apiUrl}/docs</a>
          </p>
        )}
        <p className="muted">
          {known ? `Last checked ${status.checkedAt.toLocaleTimeString()}; checked every 10 seconds. ` : ''}
          <button type="button" onClick={onRecheck}>
            Check now
          </button>
        </p>
      </div>
      <div className="card">
        <h2>When something is down</h2>
        <dl className="commands">
          <dt>Run the whole pipeline (engines, data, training, API and this UI)</dt>
          <dd>
            <code>{START_COMMANDS.all}</code>
          </dd>
          <dt>Only the API, with models already trained</dt>
          <dd>
            <code>{START_COMMANDS.api}</code>
          </dd>
          <dt>Train (or retrain) the three models</dt>
          <dd>
            <code>{START_COMMANDS.train}</code>
          </dd>
        </dl>
      </div>
    </section>
  )
}
