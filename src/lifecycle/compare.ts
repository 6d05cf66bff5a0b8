// Champion against challenger, on the same rows with the same evaluators: the challenger's held-out rows of its
// window that come from batch files newer than the champion's data — rows neither version was trained on. The
// window is wider than the step between trainings, so its older files hold rows the champion learnt from, which
// would favour it. Then a promotion decision with stated margins, applied to each model.
import type { LifecycleConfig } from '../config.ts'
import { COLUMN_NAMES } from '../contract/columns.ts'
import { type DataFrame, quoteIdentifier, type SparkSession } from '../spark/index.ts'
import { type FoundBatches, loadBatches } from '../training/batches.ts'
import type { ClassificationMetrics, Metrics, RegressionMetrics } from '../training/evaluate.ts'
import { MODEL_SPECS, type ModelName } from '../training/model-specs.ts'
import type { ServerState } from '../training/server-state.ts'
import { heldOutRows } from '../training/split.ts'
import type { Comparison } from './registry.ts'
import { evaluateVersion, type SavedVersion } from './saved-version.ts'
import { filesAfter, pathsOf, rowsOf, type TrainedRange } from './triggers.ts'

export type Margins = Pick<LifecycleConfig, 'promoteRelative' | 'promoteAbsolute'>

/** The score a margin applies to, higher is better and 1 is perfect: R², or the area under ROC. */
export function score(metrics: Metrics): number {
  return 'r2' in metrics ? (metrics as RegressionMetrics).r2 : (metrics as ClassificationMetrics).areaUnderROC
}

/** `a` beats `b` by the margins: its score higher by the absolute margin, its error lower by the relative one. */
export function beats(a: Metrics, b: Metrics, margins: Margins): boolean {
  const [scoreA, scoreB] = [score(a), score(b)]
  return (
    scoreA - scoreB >= margins.promoteAbsolute && 1 - scoreA <= (1 - scoreB) * (1 - margins.promoteRelative)
  )
}

export interface Decision {
  promote: boolean
  /** Why, in words, with the numbers. */
  reason: string
}

/**
 * Promote when the challenger beats the champion by the margins on at least one model, and the champion beats it
 * on none: a change that helps one model must not cost another.
 */
export function decide(comparison: Comparison, margins: Margins): Decision {
  const entries = Object.entries(comparison.models) as [ModelName, Comparison['models'][ModelName]][]
  const better = entries.filter(([, m]) => m.better).map(([name]) => name)
  const worse = entries.filter(([, m]) => beats(m.champion, m.challenger, margins)).map(([name]) => name)
  const numbers = entries
    .map(([name, m]) => `${name} ${score(m.champion).toFixed(4)} → ${score(m.challenger).toFixed(4)}`)
    .join(', ')
  const rule = `margins ${margins.promoteAbsolute} absolute, ${margins.promoteRelative * 100} % of the error`
  if (worse.length > 0) {
    return { promote: false, reason: `worse on ${worse.join(', ')} (${numbers}; ${rule})` }
  }
  if (better.length === 0) {
    return { promote: false, reason: `better on no model by the margins (${numbers}; ${rule})` }
  }
  return { promote: true, reason: `better on ${better.join(', ')} (${numbers}; ${rule})` }
}

/** The window's batch files newer than the data a version was trained on (Spark paths), and their rows. */
export function newFilesOf(
  window: FoundBatches,
  trained: readonly TrainedRange[],
): { paths: string[]; rows: number } {
  const fresh = filesAfter(window.files, trained)
  return { paths: pathsOf(window, fresh), rows: rowsOf(fresh) }
}

/** Why the held-out rows are too few to compare on (each model's, against `minRows`); undefined when enough. */
export function tooFewRows(counts: Record<ModelName, number>, minRows: number): string | undefined {
  const short = Object.entries(counts).filter(([, n]) => n < minRows)
  if (short.length === 0) return undefined
  return tooFew(short.map(([name, n]) => `${name} ${n}`).join(', '), minRows)
}

function tooFew(counted: string, minRows: number): string {
  return `too few new held-out rows: ${counted} (at least ${minRows} per model, from batch files newer than the champion's data)`
}

export interface CompareOptions {
  /** The challenger's window: the batch files it was trained on, read the same way again. */
  window: FoundBatches
  champion: SavedVersion
  /** The offsets the champion was trained on (its version's `data.partitions`). */
  championData: readonly TrainedRange[]
  challenger: SavedVersion
  margins: Margins
  /** Fewest held-out rows a model is compared on. */
  minRows: number
}

/** The comparison, or why there was none (too few rows to compare on, with their counts). */
export type Compared = { comparison: Comparison } | { tooFew: string }

const EVERY_COLUMN = COLUMN_NAMES.map(quoteIdentifier).join(', ')

/**
 * Both versions scored on the challenger's held-out rows of its window that come from files newer than the
 * champion's data. A held-out row is told to be new by its values (a semi join with the new files' rows on every
 * column): the live feed sends new rows, never copies, so a row of a new file is in no older one.
 */
export async function compareOnNewRows(
  spark: SparkSession,
  state: ServerState,
  options: CompareOptions,
): Promise<Compared> {
  const fresh = newFilesOf(options.window, options.championData)
  // The held-out rows are a share of the newer files' rows: fewer of those is too few without reading them.
  if (fresh.rows < options.minRows) {
    return { tooFew: tooFew(`fewer than ${fresh.rows}, the rows of the newer files`, options.minRows) }
  }
  const window = await loadBatches(spark, state, options.window.paths)
  const newer = await loadBatches(spark, state, fresh.paths)
  // Uncached only at the end: Spark would recompute a cache built on one uncached before it.
  const cached = [window.table, newer.table]
  try {
    const seed = options.challenger.report.params.seed
    const held = new Map<ModelName, DataFrame>()
    for (const model of MODEL_SPECS) {
      const all = await state.cache(heldOutRows(window.table.data, model, seed), 'held_out')
      const join = `SELECT * FROM ${all.view} LEFT SEMI JOIN ${newer.table.view} USING (${EVERY_COLUMN})`
      const chosen = await state.cache(spark.sql(join), 'new_held_out')
      cached.push(all, chosen)
      held.set(model.name, chosen.data)
    }
    const rowsOf = (model: { name: ModelName }) => held.get(model.name) as DataFrame
    const counts = Object.fromEntries(
      await Promise.all(MODEL_SPECS.map(async (model) => [model.name, await rowsOf(model).count()])),
    ) as Record<ModelName, number>
    const short = tooFewRows(counts, options.minRows)
    if (short) return { tooFew: short }
    const champion = await evaluateVersion(spark, state, options.champion, rowsOf)
    const challenger = await evaluateVersion(spark, state, options.challenger, rowsOf)
    const models = Object.fromEntries(
      MODEL_SPECS.map((model) => [
        model.name,
        {
          champion: champion[model.name],
          challenger: challenger[model.name],
          better: beats(challenger[model.name], champion[model.name], options.margins),
        },
      ]),
    ) as Comparison['models']
    const rows = Object.values(counts).reduce((sum, n) => sum + n, 0)
    return { comparison: { rows, models } }
  } finally {
    for (const table of cached.reverse()) await state.uncache(table)
  }
}
