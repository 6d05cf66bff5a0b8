// The live feed of the API (GET /live/events through the UI server's forwarder) folded into one state: a
// snapshot on connect, then windows, alerts and stats as they arrive. Reconnects by itself when the API goes
// away and comes back.
import { useEffect, useState } from 'react'
import { API_PATHS } from '../../src/api/endpoints.ts'
import { apiUrl } from './api/client.ts'
import type { LiveAlert, LiveEvents, LiveSnapshot, LiveWindow, ThroughputSample } from './api/contract.ts'

/** Like the API: the last windows of each city, the last alerts, a few minutes of throughput. */
const WINDOWS_PER_CITY = 24
const MAX_ALERTS = 50
const MAX_SAMPLES = 300
const RECONNECT_MS = 3000

export type LiveFeed =
  | { state: 'connecting' }
  | { state: 'down'; since: Date }
  | { state: 'live'; snapshot: LiveSnapshot; receivedAt: Date }

const sameWindow = (a: { city: string; window_start: string }, b: { city: string; window_start: string }) =>
  a.city === b.city && a.window_start === b.window_start

export function addWindow(snapshot: LiveSnapshot, window: LiveWindow): LiveSnapshot {
  const others = snapshot.windows.recent.filter((w) => !sameWindow(w, window))
  const city = [...others.filter((w) => w.city === window.city), window]
    .sort((a, b) => a.window_start.localeCompare(b.window_start))
    .slice(-WINDOWS_PER_CITY)
  const recent = [...others.filter((w) => w.city !== window.city), ...city].sort((a, b) =>
    a.window_start.localeCompare(b.window_start),
  )
  const latest = [...new Set(recent.map((w) => w.city))]
    .sort()
    .map((name) => recent.filter((w) => w.city === name).at(-1) as LiveWindow)
  return { ...snapshot, windows: { latest, recent } }
}

export function addAlert(snapshot: LiveSnapshot, alert: LiveAlert): LiveSnapshot {
  const alerts = [alert, ...snapshot.alerts.filter((a) => !sameWindow(a, alert))]
    .sort((a, b) => b.window_start.localeCompare(a.window_start))
    .slice(0, MAX_ALERTS)
  return { ...snapshot, alerts }
}

export function addStats(snapshot: LiveSnapshot, stats: LiveEvents['stats']): LiveSnapshot {
  const { latest } = stats.throughput
  const history: ThroughputSample[] = snapshot.throughput.history
  const isNew = latest !== null && history.at(-1)?.time !== latest.time
  return {
    ...snapshot,
    ...stats,
    throughput: { latest, history: isNew ? [...history, latest].slice(-MAX_SAMPLES) : history },
  }
}

export function useLiveFeed(): LiveFeed {
  const [feed, setFeed] = useState<LiveFeed>({ state: 'connecting' })

  useEffect(() => {
    let source: EventSource | undefined
    let retry: number | undefined
    const update = (change: (snapshot: LiveSnapshot) => LiveSnapshot) =>
      setFeed((current) =>
        current.state === 'live'
          ? { ...current, snapshot: change(current.snapshot), receivedAt: new Date() }
          : current,
      )
    const on = <E extends keyof LiveEvents>(event: E, handle: (data: LiveEvents[E]) => void) =>
      source?.addEventListener(event, (message) => handle(JSON.parse((message as MessageEvent<string>).data)))

    const connect = () => {
      source = new EventSource(apiUrl(API_PATHS.liveEvents))
      on('snapshot', (snapshot) => setFeed({ state: 'live', snapshot, receivedAt: new Date() }))
      on('window', (window) => update((snapshot) => addWindow(snapshot, window)))
      on('alert', (alert) => update((snapshot) => addAlert(snapshot, alert)))
      on('stats', (stats) => update((snapshot) => addStats(snapshot, stats)))
      source.onerror = () => {
        // EventSource retries by itself after a dropped stream, but gives up on an error answer (API down).
        if (source?.readyState !== EventSource.CLOSED) return
        setFeed((current) => (current.state === 'down' ? current : { state: 'down', since: new Date() }))
        retry = window.setTimeout(connect, RECONNECT_MS)
      }
    }
    connect()
    return () => {
      window.clearTimeout(retry)
      source?.close()
    }
  }, [])

  return feed
}
