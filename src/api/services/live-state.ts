// What the live view remembers, fed by the messages the API reads: the latest value of each (city, window) —
// Spark re-sends a window in update mode as it grows — the last alerts, the simulated clock, and a short
// throughput history. Bounded by the rules of live-retention.ts, which the web app folds its events with too.
import type { LiveAlert, LiveWindow, ThroughputSample } from '../live-schemas.ts'
import {
  keepAlert,
  keepSample,
  keepWindow,
  NO_THROUGHPUT,
  NO_WINDOWS,
  type RetainedThroughput,
  type RetainedWindows,
} from './live-retention.ts'

export class LiveState {
  #windows: RetainedWindows = NO_WINDOWS
  #alerts: LiveAlert[] = []
  #throughput: RetainedThroughput = NO_THROUGHPUT
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

  addWindow(window: LiveWindow): void {
    this.#windows = keepWindow(this.#windows, window)
  }

  addAlert(alert: LiveAlert): void {
    this.#alerts = keepAlert(this.#alerts, alert)
  }

  addThroughput(sample: ThroughputSample): void {
    this.#throughput = keepSample(this.#throughput, sample)
  }

  /** The retention functions never change what they were given: these can be handed out as they are. */
  get throughput(): RetainedThroughput {
    return this.#throughput
  }

  get windows(): RetainedWindows {
    return this.#windows
  }

  get alerts(): LiveAlert[] {
    return this.#alerts
  }
}
