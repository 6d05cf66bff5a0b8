// Data drift on the stream: each real live row (not one a scenario made up) is binned with the training's bins
// (analytics.json `feature_bins`, src/drift.ts), and the PSI per feature compares the last DRIFT_WINDOW rows with
// the training rows. New bins (models trained again) start the window afresh.
import type { TrafficRecord } from '../../contract/columns.ts'
import { binOf, type FeatureBins, PSI_LEVELS, populationStabilityIndex } from '../../drift.ts'
import type { DataDrift } from '../live-schemas.ts'

export const DRIFT_WINDOW = 5000

export class LiveDrift {
  readonly #window: number
  #bins: FeatureBins[] | undefined
  /** Bin of each feature of the last `window` rows, a ring buffer per feature (-1: outside every bin). */
  #rows: Int16Array[] = []
  #counts: number[][] = []
  #next = 0
  #filled = 0

  constructor(window = DRIFT_WINDOW) {
    this.#window = window
  }

  add(record: TrafficRecord, bins: FeatureBins[] | undefined): void {
    if (bins !== this.#bins) this.#reset(bins)
    if (!bins) return
    const full = this.#filled === this.#window
    bins.forEach((feature, f) => {
      const ring = this.#rows[f] as Int16Array
      const counts = this.#counts[f] as number[]
      if (full) {
        const old = ring[this.#next] as number
        if (old >= 0) counts[old] = (counts[old] as number) - 1
      }
      const bin = binOf(feature, record)
      ring[this.#next] = bin
      if (bin >= 0) counts[bin] = (counts[bin] as number) + 1
    })
    this.#next = (this.#next + 1) % this.#window
    if (!full) this.#filled += 1
  }

  summary(bins: FeatureBins[] | undefined): DataDrift {
    const current = bins === this.#bins && bins ? bins : undefined
    return {
      window: this.#window,
      rows: current ? this.#filled : 0,
      features:
        current && this.#filled > 0
          ? current.map((feature, f) => {
              const psi = populationStabilityIndex(feature.shares, this.#counts[f] as number[])
              const level =
                psi >= PSI_LEVELS.significant
                  ? 'significant'
                  : psi >= PSI_LEVELS.moderate
                    ? 'moderate'
                    : 'none'
              return { feature: feature.feature, psi, level }
            })
          : [],
    }
  }

  #reset(bins: FeatureBins[] | undefined): void {
    this.#bins = bins
    this.#rows = (bins ?? []).map(() => new Int16Array(this.#window))
    this.#counts = (bins ?? []).map((feature) =>
      new Array<number>(feature.kind === 'measure' ? feature.edges.length + 1 : feature.values.length).fill(
        0,
      ),
    )
    this.#next = 0
    this.#filled = 0
  }
}
