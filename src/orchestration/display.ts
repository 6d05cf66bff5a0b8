// One live display for the stages of `traffic up`: a bar per stage on a terminal, plain timed lines elsewhere
// (CI logs, pipes), so the same run reads well in both.
import { MultiBar, Presets, type SingleBar } from 'cli-progress'

export type StageName = 'engines' | 'dataset' | 'produce' | 'consume' | 'train' | 'serve'

export interface StageDisplay {
  /** A stage starts; `total` (of `unit`, rows by default) sizes its bar. */
  begin(stage: StageName, total?: number, unit?: string): void
  update(stage: StageName, value: number, status?: string): void
  end(stage: StageName, summary: string): void
  skip(stage: StageName, why: string): void
  /** A line printed above the bars (warnings, training steps). */
  log(line: string): void
  stop(): void
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`

class TerminalDisplay implements StageDisplay {
  readonly #bars = new MultiBar(
    {
      format: ' {stage} {bar} {percentage}% | {status}',
      barsize: 24,
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      autopadding: true,
    },
    Presets.shades_classic,
  )
  readonly #stages = new Map<StageName, { bar: SingleBar; began: number; total: number; unit: string }>()

  begin(stage: StageName, total = 1, unit = 'rows'): void {
    const bar = this.#bars.create(total, 0, { stage: stage.padEnd(8), status: '…' })
    this.#stages.set(stage, { bar, began: performance.now(), total, unit })
  }

  update(stage: StageName, value: number, status?: string): void {
    const entry = this.#stages.get(stage)
    if (!entry) return
    const rate = value / ((performance.now() - entry.began) / 1000 || 1)
    const text =
      status ??
      `${value.toLocaleString('en')}/${entry.total.toLocaleString('en')} ${entry.unit} · ${Math.round(rate).toLocaleString('en')}/s`
    entry.bar.update(value, { status: text })
  }

  end(stage: StageName, summary: string): void {
    const entry = this.#stages.get(stage)
    if (!entry) return
    entry.bar.update(entry.total, { status: `✔ ${summary} (${seconds(entry.began)})` })
  }

  skip(stage: StageName, why: string): void {
    this.#bars.create(1, 1, { stage: stage.padEnd(8), status: `✔ skipped: ${why}` })
  }

  log(line: string): void {
    this.#bars.log(`${line}\n`)
  }

  stop(): void {
    this.#bars.stop()
  }
}

class LineDisplay implements StageDisplay {
  readonly #began = new Map<StageName, number>()
  readonly #lastPrinted = new Map<StageName, number>()
  readonly #write: (line: string) => void

  constructor(write: (line: string) => void) {
    this.#write = write
  }

  begin(stage: StageName, total?: number, unit = 'rows'): void {
    this.#began.set(stage, performance.now())
    this.#write(`▶ ${stage}${total ? ` (${total.toLocaleString('en')} ${unit})` : ''}`)
  }

  update(stage: StageName, value: number, status?: string): void {
    const now = performance.now()
    if (now - (this.#lastPrinted.get(stage) ?? 0) < 5_000) return
    this.#lastPrinted.set(stage, now)
    this.#write(`  ${stage}: ${status ?? `${value.toLocaleString('en')} rows`}`)
  }

  end(stage: StageName, summary: string): void {
    this.#write(`✔ ${stage}: ${summary} (${seconds(this.#began.get(stage) ?? performance.now())})`)
  }

  skip(stage: StageName, why: string): void {
    this.#write(`✔ ${stage}: skipped, ${why}`)
  }

  log(line: string): void {
    this.#write(`  ${line}`)
  }

  stop(): void {}
}

export function stageDisplay(stream: NodeJS.WriteStream = process.stdout): StageDisplay {
  return stream.isTTY ? new TerminalDisplay() : new LineDisplay((line) => stream.write(`${line}\n`))
}
