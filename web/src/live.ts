// The live feed of the API (GET /live/events through the UI server's forwarder) folded into one state: a
// snapshot on connect, then windows, alerts and stats as they arrive. Reconnects by itself when the API goes
// away and comes back.
import { useEffect, useState } from 'react'
import { API_PATHS } from '../../src/api/endpoints.ts'
import { keepAlert, keepSample, keepWindow } from '../../src/api/services/live-retention.ts'
import { apiUrl } from './api/client.ts'
import type { LiveAlert, LiveEvents, LiveSnapshot, LiveWindow } from './api/contract.ts'

const RECONNECT_MS = 3000

export type LiveFeed =
  | { state: 'connecting' }
  | { state: 'down'; since: Date }
  | { state: 'live'; snapshot: LiveSnapshot; receivedAt: Date }

/** The API's retention rules (live-retention.ts), so the page shows what a fresh snapshot would. */
function addWindow(snapshot: LiveSnapshot, window: LiveWindow): LiveSnapshot {
  return { ...snapshot, windows: keepWindow(snapshot.windows, window) }
}

function addAlert(snapshot: LiveSnapshot, alert: LiveAlert): LiveSnapshot {
  return { ...snapshot, alerts: keepAlert(snapshot.alerts, alert) }
}

/**
 * A stats event carries the new throughput sample only (its history is empty): the page adds it to the history
 * the snapshot came with (each sample holds the models' error ratios too).
 */
function addStats(snapshot: LiveSnapshot, stats: LiveEvents['stats']): LiveSnapshot {
  const { latest } = stats.throughput
  return {
    ...snapshot,
    ...stats,
    throughput: latest ? keepSample(snapshot.throughput, latest) : snapshot.throughput,
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
