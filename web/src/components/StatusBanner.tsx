// The API's state everywhere: a pill in the header, and a banner saying what to run when something is down.
import { MODELS } from '../models.ts'
import { type ApiStatus, modelLoaded, START_COMMANDS } from '../status.ts'

export function missingModels(status: ApiStatus) {
  return status.state === 'up' ? MODELS.filter((m) => !modelLoaded(status, m)) : []
}

export function StatusPill({ status }: { status: ApiStatus }) {
  const missing = missingModels(status)
  const [tone, text] =
    status.state === 'checking'
      ? ['neutral', 'API: checking…']
      : status.state === 'down'
        ? ['bad', 'API: not reachable']
        : missing.length
          ? ['warn', `API: up, ${MODELS.length - missing.length}/${MODELS.length} models`]
          : ['good', `API: up, ${MODELS.length}/${MODELS.length} models`]
  return (
    <a className={`pill pill-${tone}`} href="#/status" data-testid="status-pill">
      <span className="dot" aria-hidden="true" />
      {text}
    </a>
  )
}

export function StatusBanner({ status }: { status: ApiStatus }) {
  if (status.state === 'down') {
    return (
      <div className="banner banner-bad" role="alert" data-testid="status-banner">
        <strong>
          {status.unreachable ? status.reason : `The API answered with an error: ${status.reason}`}
        </strong>
        <br />
        Start everything with <code>{START_COMMANDS.all}</code>, or only the API with{' '}
        <code>{START_COMMANDS.api}</code>. This page checks again every 10 seconds.
      </div>
    )
  }
  const missing = missingModels(status)
  if (missing.length === 0) return null
  return (
    <div className="banner banner-warn" role="status" data-testid="status-banner">
      <strong>Not loaded: {missing.map((m) => m.folder).join(', ')}.</strong> Train the models with{' '}
      <code>{START_COMMANDS.train}</code> (or run everything with <code>{START_COMMANDS.all}</code>); the API
      picks them up from its models folder.
    </div>
  )
}
