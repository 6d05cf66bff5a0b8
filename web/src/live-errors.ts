// The served models' live error along time, over their held-out error (1: as good as on held-out rows) — the
// drift signal. The API reports the current value each second; the page keeps the history as it arrives.
import { THROUGHPUT_HISTORY } from '../../src/api/services/live-retention.ts'
import type { LiveScoring } from './api/contract.ts'

export interface ErrorSample {
  /** Wall-clock time in ms, the throughput sample's it came with. */
  time: number
  /** Live MAE ÷ held-out MAE, by model id; models without either are left out. */
  ratios: Record<string, number>
}

function errorRatios(scoring: LiveScoring): Record<string, number> {
  return Object.fromEntries(
    scoring.models.flatMap((model) =>
      model.live && model.held_out && model.held_out.mae > 0
        ? [[model.id, model.live.mae / model.held_out.mae]]
        : [],
    ),
  )
}

/** Keeps as many samples as the throughput history, so both charts span the same time. */
export function keepErrorSample(
  samples: readonly ErrorSample[],
  time: string,
  scoring: LiveScoring,
): ErrorSample[] {
  return [...samples, { time: Date.parse(time), ratios: errorRatios(scoring) }].slice(-THROUGHPUT_HISTORY)
}
