// What the live view remembers, fed by the messages the API reads: the latest value of each (city, window) —
// Spark re-sends a window in update mode as it grows — the last alerts, the simulated clock, and a short
// throughput history. Pure and bounded: no Kafka here.
import type { LiveAlert, LiveWindow, ThroughputSample } from '../live-schemas.ts'

export const WINDOWS_PER_CITY = 24
export const MAX_ALERTS = 50
export const THROUGHPUT_HISTORY = 300

const keyOf = (message: { city: string; window_start: string }) => `${message.city}|${message.window_start}`
const byStart = (a: LiveWindow, b: LiveWindow) => a.window_start.localeCompare(b.window_start)

export class LiveState {
  readonly #windows = new Map<string, Map<string, LiveWindow>>()
  readonly #alerts = new Map<string, LiveAlert>()
  readonly #throughput: ThroughputSample[] = []
  #clock: string | null = null
  #clockMs = Number.NEGATIVE_INFINITY

  /** The simulated clock moves forward only: replays loop, and partitions interleave. */
  seeEventTime(time: string): void {
    const ms = Date.parse(time)
    if (Number.isFinite(ms) && ms > this.#clockMs) {
      this.#clockMs = ms
      this.#clock = new Date(ms).toISOString()
    }
  }

  get clock(): string | null {
    return this.#clock
  }

  /** Keeps the window (the latest value per key) and the last WINDOWS_PER_CITY windows of its city. */
  addWindow(window: LiveWindow): void {
    let city = this.#windows.get(window.city)
    if (!city) {
      city = new Map()
      this.#windows.set(window.city, city)
    }
    city.set(window.window_start, window)
    if (city.size > WINDOWS_PER_CITY) {
      const oldest = [...city.keys()].sort()[0] as string
      city.delete(oldest)
    }
  }

  /** An alert re-sent for the same window replaces the earlier one. */
  addAlert(alert: LiveAlert): void {
    const key = keyOf(alert)
    this.#alerts.delete(key)
    this.#alerts.set(key, alert)
    if (this.#alerts.size > MAX_ALERTS) this.#alerts.delete(this.#alerts.keys().next().value as string)
  }

  addThroughput(sample: ThroughputSample): void {
    this.#throughput.push(sample)
    if (this.#throughput.length > THROUGHPUT_HISTORY) this.#throughput.shift()
  }

  get throughput(): { latest: ThroughputSample | null; history: ThroughputSample[] } {
    return { latest: this.#throughput.at(-1) ?? null, history: [...this.#throughput] }
  }

  get windows(): { latest: LiveWindow[]; recent: LiveWindow[] } {
    const cities = [...this.#windows.keys()].sort()
    const perCity = cities.map((city) => [...(this.#windows.get(city)?.values() ?? [])].sort(byStart))
    return {
      latest: perCity.flatMap((windows) => windows.slice(-1)),
      recent: perCity.flat().sort(byStart),
    }
  }

  /** Latest window first; among alerts of one window, the latest received first. */
  get alerts(): LiveAlert[] {
    return [...this.#alerts.values()].reverse().sort((a, b) => b.window_start.localeCompare(a.window_start))
  }
}
