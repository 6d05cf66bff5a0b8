// Progress lines with the time since training began, and the duration of every step (kept for the report).
import { performance } from 'node:perf_hooks'

export type LineWriter = (line: string) => void

export class Progress {
  readonly #began: number
  readonly #write: LineWriter
  readonly #prefix: string

  constructor(write: LineWriter, began = performance.now(), prefix = '') {
    this.#write = write
    this.#began = began
    this.#prefix = prefix
  }

  /** The same clock and output, every line prefixed with `name` (e.g. the model being trained). */
  scope(name: string): Progress {
    return new Progress(this.#write, this.#began, `${this.#prefix}${name} · `)
  }

  get elapsedSeconds(): number {
    return (performance.now() - this.#began) / 1000
  }

  line(text: string): void {
    this.#write(`[${this.elapsedSeconds.toFixed(1).padStart(6)} s] ${this.#prefix}${text}`)
  }

  warn(text: string): void {
    this.line(`⚠ ${text}`)
  }

  /** Runs `work`, printing its start and end; its duration in seconds goes into `timings[label]`. */
  async step<T>(label: string, work: () => Promise<T>, timings?: Record<string, number>): Promise<T> {
    const began = performance.now()
    this.line(`${label} …`)
    const result = await work()
    const seconds = Math.round(performance.now() - began) / 1000
    if (timings) timings[label] = seconds
    this.line(`${label} ✔ ${seconds.toFixed(1)} s`)
    return result
  }
}
