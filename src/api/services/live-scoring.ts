// Live scoring: each valid stream record goes through the served regression models (native evaluator), and the
// error against the record's own value feeds a rolling MAE/RMSE per model and per city — a drift signal to read
// beside the held-out error of report.json. Scoring is capped per second so a fast replay cannot starve the API.
// Rows a live scenario made up (a jam) are counted, not scored: their error would be drift that never happened.

import type { TrafficRecord } from '../../contract/columns.ts'
import { describeError } from '../../errors.ts'
import type { ModelId } from '../../serving/model-catalog.ts'
import type { ModelSet } from '../../serving/model-set.ts'
import type { LiveScoring, ModelScoring, RollingError } from '../live-schemas.ts'

/** The models scored live: the two regressions (a 0/1 peak-hour label has no meaningful MAE). */
export const SCORED_MODELS = ['traffic_density', 'energy_consumption'] as const satisfies readonly ModelId[]
export const ROLLING_WINDOW = 1000
export const MAX_SCORED_PER_SECOND = 2000

/** MAE and RMSE over the last `capacity` errors, kept as running sums over a ring buffer. */
export class RollingErrors {
  readonly #errors: Float64Array
  #next = 0
  #count = 0
  #sumAbs = 0
  #sumSquares = 0

  constructor(capacity: number) {
    this.#errors = new Float64Array(capacity)
  }

  add(error: number): void {
    if (this.#count === this.#errors.length) {
      const old = this.#errors[this.#next] as number
      this.#sumAbs -= Math.abs(old)
      this.#sumSquares -= old * old
    } else this.#count += 1
    this.#errors[this.#next] = error
    this.#next = (this.#next + 1) % this.#errors.length
    this.#sumAbs += Math.abs(error)
    this.#sumSquares += error * error
  }

  summary(): RollingError | null {
    if (this.#count === 0) return null
    // Running sums can drift a hair below zero after many subtractions.
    return {
      count: this.#count,
      mae: Math.max(0, this.#sumAbs / this.#count),
      rmse: Math.sqrt(Math.max(0, this.#sumSquares / this.#count)),
    }
  }
}

interface HeldOut {
  mae: number
  rmse: number
}

interface ModelErrors {
  all: RollingErrors
  byCity: Map<string, RollingErrors>
}

export class LiveScorer {
  readonly #window: number
  readonly #maxPerSecond: number
  readonly #errors = new Map<ModelId, ModelErrors>()
  #scored = 0
  #skipped = 0
  #malformed = 0
  #madeUp = 0
  #lastMalformed: string | null = null
  #second = 0
  #scoredThisSecond = 0

  constructor(window = ROLLING_WINDOW, maxPerSecond = MAX_SCORED_PER_SECOND) {
    this.#window = window
    this.#maxPerSecond = maxPerSecond
  }

  rejected(reason: string): void {
    this.#malformed += 1
    this.#lastMalformed = reason
  }

  /** A valid row a live scenario made up (header traffic.scenario). */
  madeUp(): void {
    this.#madeUp += 1
  }

  score(record: TrafficRecord, models: ModelSet, now = Date.now()): void {
    const second = Math.floor(now / 1000)
    if (second !== this.#second) {
      this.#second = second
      this.#scoredThisSecond = 0
    }
    if (this.#scoredThisSecond >= this.#maxPerSecond) {
      this.#skipped += 1
      return
    }
    this.#scoredThisSecond += 1
    this.#scored += 1
    for (const id of SCORED_MODELS) {
      const slot = models.get(id)
      if (!slot?.model) continue
      let predicted: number
      try {
        predicted = slot.model.evaluator.predict(record).prediction
      } catch (error) {
        this.rejected(`${slot.spec.target} model: ${describeError(error)}`)
        continue
      }
      this.#add(id, record.City, predicted - record[slot.spec.target])
    }
  }

  summary(models: ModelSet, report: unknown): LiveScoring {
    return {
      window: this.#window,
      scored: this.#scored,
      skipped: this.#skipped,
      malformed: this.#malformed,
      last_malformed: this.#lastMalformed,
      scenario_rows: this.#madeUp,
      models: SCORED_MODELS.map((id): ModelScoring => {
        const errors = this.#errors.get(id)
        const spec = models.get(id)?.spec
        const cities = [...(errors?.byCity ?? [])]
          .sort(([a], [b]) => a.localeCompare(b))
          .flatMap(([city, rolling]) => {
            const summary = rolling.summary()
            return summary ? [{ city, ...summary }] : []
          })
        return {
          id,
          target: spec?.target ?? id,
          held_out: spec ? heldOutError(report, spec.folder) : null,
          live: errors?.all.summary() ?? null,
          cities,
        }
      }),
    }
  }

  #add(id: ModelId, city: string, error: number): void {
    let errors = this.#errors.get(id)
    if (!errors) {
      errors = { all: new RollingErrors(this.#window), byCity: new Map() }
      this.#errors.set(id, errors)
    }
    let rolling = errors.byCity.get(city)
    if (!rolling) {
      rolling = new RollingErrors(this.#window)
      errors.byCity.set(city, rolling)
    }
    errors.all.add(error)
    rolling.add(error)
  }
}

/** Each model's live MAE over its held-out MAE (the drift signal), leaving out models without either. */
export function errorRatios(scoring: LiveScoring): Record<string, number> {
  return Object.fromEntries(
    scoring.models.flatMap((model) =>
      model.live && model.held_out && model.held_out.mae > 0
        ? [[model.id, model.live.mae / model.held_out.mae]]
        : [],
    ),
  )
}

/** `models.<folder>.metrics.{mae,rmse}` of report.json, when it holds numbers there. */
function heldOutError(report: unknown, folder: string): HeldOut | null {
  const metrics = (report as { models?: Record<string, { metrics?: Partial<HeldOut> }> } | null)?.models?.[
    folder
  ]?.metrics
  return typeof metrics?.mae === 'number' && typeof metrics.rmse === 'number'
    ? { mae: metrics.mae, rmse: metrics.rmse }
    : null
}
