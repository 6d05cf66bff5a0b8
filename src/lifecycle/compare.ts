// Champion against challenger, on the same rows with the same evaluators: the challenger's held-out rows of its
// window (the rows neither version was trained on: the champion's data is older, the challenger held them out),
// then a promotion decision with stated margins, applied to each model.
import type { LifecycleConfig } from '../config.ts'
import type { SparkSession } from '../spark/index.ts'
import { loadBatches } from '../training/batches.ts'
import type { ClassificationMetrics, Metrics, RegressionMetrics } from '../training/evaluate.ts'
import { MODEL_SPECS, type ModelName } from '../training/model-specs.ts'
import type { ServerState } from '../training/server-state.ts'
import { heldOutRows } from '../training/split.ts'
import type { Comparison } from './registry.ts'
import { evaluateVersion, type SavedVersion } from './saved-version.ts'

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

export interface CompareOptions {
  /** The challenger's window: the batch files it was trained on (Spark paths), read the same way again. */
  windowPaths: string[]
  champion: SavedVersion
  challenger: SavedVersion
  margins: Margins
}

/** Both versions scored on the challenger's held-out rows of its window. */
export async function compareOnWindow(
  spark: SparkSession,
  state: ServerState,
  options: CompareOptions,
): Promise<Comparison> {
  const window = await loadBatches(spark, state, options.windowPaths)
  const seed = options.challenger.report.params.seed
  const held = new Map(MODEL_SPECS.map((model) => [model.name, heldOutRows(window.table.data, model, seed)]))
  const rowsOf = (model: { name: ModelName }) => held.get(model.name) as ReturnType<typeof heldOutRows>
  const counts = await Promise.all([...held.values()].map((rows) => rows.count()))
  const champion = await evaluateVersion(spark, state, options.champion, rowsOf)
  const challenger = await evaluateVersion(spark, state, options.challenger, rowsOf)
  await state.uncache(window.table)
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
  return { rows: counts.reduce((sum, n) => sum + n, 0), models }
}
