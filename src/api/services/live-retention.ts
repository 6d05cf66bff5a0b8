// What the live view keeps of the streaming queries' output and of the throughput samples, as pure functions
// over plain arrays (type imports only, no Node): the API's LiveState and the web app's live feed both fold the
// events with them, so a page that has followed the feed shows what a fresh snapshot would.
import type { LiveAlert, LiveWindow, ThroughputSample } from '../live-schemas.ts'

export const WINDOWS_PER_CITY = 24
export const MAX_ALERTS = 50
export const THROUGHPUT_HISTORY = 300

export interface RetainedWindows {
  /** The latest window of each city, cities in order. */
  latest: LiveWindow[]
  /** The last WINDOWS_PER_CITY windows of every city, oldest first (one start: cities in order). */
  recent: LiveWindow[]
}

export interface RetainedThroughput {
  latest: ThroughputSample | null
  /** The last THROUGHPUT_HISTORY samples, oldest first. */
  history: ThroughputSample[]
}

export const NO_WINDOWS: RetainedWindows = { latest: [], recent: [] }
export const NO_THROUGHPUT: RetainedThroughput = { latest: null, history: [] }

type CityWindow = Pick<LiveWindow, 'city' | 'window_start'>

/** Code-unit order: the same in Node and every browser, unlike localeCompare. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const sameWindow = (a: CityWindow, b: CityWindow) => a.city === b.city && a.window_start === b.window_start
const oldestFirst = (a: CityWindow, b: CityWindow) =>
  compare(a.window_start, b.window_start) || compare(a.city, b.city)

/**
 * Spark re-sends a window in update mode as it grows: the new value replaces the earlier one. A city over
 * WINDOWS_PER_CITY loses its oldest window (the new one itself, when it is older than all it kept).
 */
export function keepWindow(windows: RetainedWindows, window: LiveWindow): RetainedWindows {
  const kept = [...windows.recent.filter((w) => !sameWindow(w, window)), window].sort(oldestFirst)
  const city = kept.filter((w) => w.city === window.city)
  const recent = city.length > WINDOWS_PER_CITY ? kept.filter((w) => w !== city[0]) : kept
  const latest = new Map(recent.map((w) => [w.city, w]))
  return { latest: [...latest.values()].sort((a, b) => compare(a.city, b.city)), recent }
}

/**
 * Latest window first; among alerts of one window start, the latest received first. An alert re-sent for the
 * same window replaces the earlier one. Over MAX_ALERTS, the alert of the oldest window goes (of those, the
 * earliest received), whenever it arrived: the list is the alerts of the latest windows.
 */
export function keepAlert(alerts: readonly LiveAlert[], alert: LiveAlert): LiveAlert[] {
  return [alert, ...alerts.filter((a) => !sameWindow(a, alert))]
    .sort((a, b) => compare(b.window_start, a.window_start))
    .slice(0, MAX_ALERTS)
}

/** A sample already kept (a stats event repeats the latest until a new one is taken) is not kept twice. */
export function keepSample(throughput: RetainedThroughput, sample: ThroughputSample): RetainedThroughput {
  if (throughput.latest?.time === sample.time) return throughput
  return { latest: sample, history: [...throughput.history, sample].slice(-THROUGHPUT_HISTORY) }
}
