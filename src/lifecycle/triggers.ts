// When continuous training trains a challenger: (a) enough batch rows newer than the champion's data, (b) the
// schedule, (c) drift of the champion on those newer rows — prediction drift (its error on them against its
// held-out error) or data drift (the largest PSI of a feature between its training rows and them).
// Drift is measured with Spark, over the batch files as training reads them: the same evaluators as the held-out
// error it is compared with (so the ratio compares like with like), the same bins as training's (src/drift.ts),
// and the same reading of the files on a folder or on object storage.
import type { LifecycleConfig } from '../config.ts'
import { binCounts, populationStabilityIndex } from '../drift.ts'
import type { SparkSession } from '../spark/index.ts'
import type { BatchFile } from '../stream/batch-files.ts'
import { loadBatches } from '../training/batches.ts'
import type { ClassificationMetrics, Metrics, RegressionMetrics } from '../training/evaluate.ts'
import { MODEL_SPECS, type ModelName } from '../training/model-specs.ts'
import type { ServerState } from '../training/server-state.ts'
import { fileRows } from '../training/window.ts'
import { evaluateVersion, type SavedVersion } from './saved-version.ts'

/** The offsets a version was trained on, per partition (the registry's `data.partitions`). */
export interface TrainedRange {
  partition: number
  first: number
  last: number
}

/** The batch files wholly after the newest offset a version was trained on in their partition. */
export function filesAfter(files: readonly BatchFile[], trained: readonly TrainedRange[]): BatchFile[] {
  const newest = new Map<number, number>()
  for (const range of trained)
    newest.set(range.partition, Math.max(newest.get(range.partition) ?? -1, range.last))
  return files.filter((file) => file.first > BigInt(newest.get(file.partition) ?? -1))
}

export function rowsOf(files: readonly BatchFile[]): number {
  return files.reduce((sum, file) => sum + fileRows(file), 0)
}

/** The error prediction drift compares: RMSE of a regression, the share misclassified of a classifier. */
export function modelError(metrics: Metrics): number {
  return 'rmse' in metrics
    ? (metrics as RegressionMetrics).rmse
    : 1 - (metrics as ClassificationMetrics).accuracy
}

export interface DriftMeasure {
  /** The rows newer than the champion's data it was measured on. */
  rows: number
  /** Per model: the error on those rows, the held-out error, and their ratio. */
  errors: Record<ModelName, { recent: number; heldOut: number; ratio: number }>
  /** The feature with the largest PSI between the champion's training rows and those rows. */
  psi: { feature: string; value: number }
}

/**
 * Error on the new rows over the held-out error. A perfect held-out score (a classifier with no miss) counts as
 * one miss in the new rows, so a single miss is not an infinite ratio.
 */
export function errorRatio(recent: number, heldOut: number, rows: number): number {
  return recent / Math.max(heldOut, 1 / Math.max(rows, 1))
}

export type Thresholds = Pick<
  LifecycleConfig,
  'minNewRows' | 'scheduleMs' | 'driftErrorRatio' | 'driftPsi' | 'driftMinRows'
>

/** The trigger that needs no Spark (new rows, then the schedule), in words; undefined when none fires. */
export function countTrigger(
  newRows: number,
  sinceTrainedMs: number,
  thresholds: Thresholds,
): string | undefined {
  if (newRows >= thresholds.minNewRows) return `new rows: ${newRows}`
  if (thresholds.scheduleMs > 0 && sinceTrainedMs >= thresholds.scheduleMs) {
    return `schedule: ${Math.round(sinceTrainedMs / 1000)} s since the champion was trained`
  }
  return undefined
}

/** The drift trigger, in words with its numbers; undefined when the drift is below both thresholds. */
export function driftTrigger(measure: DriftMeasure, thresholds: Thresholds): string | undefined {
  const [worst, error] = (
    Object.entries(measure.errors) as [ModelName, DriftMeasure['errors'][ModelName]][]
  ).sort(([, a], [, b]) => b.ratio - a.ratio)[0] as [ModelName, DriftMeasure['errors'][ModelName]]
  if (error.ratio >= thresholds.driftErrorRatio) {
    return (
      `drift: ${worst} error ${error.ratio.toFixed(2)}× held-out ` +
      `(${error.recent.toPrecision(4)} on ${measure.rows} new rows, ${error.heldOut.toPrecision(4)} held out)`
    )
  }
  if (measure.psi.value >= thresholds.driftPsi) {
    return `drift: PSI ${measure.psi.value.toFixed(3)} of ${measure.psi.feature} on ${measure.rows} new rows`
  }
  return undefined
}

/** In words, for the progress lines: every model's error ratio and the largest PSI. */
export function describeDrift(measure: DriftMeasure): string {
  const ratios = Object.entries(measure.errors)
    .map(([name, error]) => `${name} ${error.ratio.toFixed(2)}×`)
    .join(', ')
  return `${measure.rows} new rows: error ${ratios}; largest PSI ${measure.psi.value.toFixed(3)} (${measure.psi.feature})`
}

/** The champion's prediction and data drift on the batch files `newPaths` (Spark paths), which it never saw. */
export async function measureDrift(
  spark: SparkSession,
  state: ServerState,
  champion: SavedVersion,
  newPaths: string[],
): Promise<DriftMeasure> {
  const recent = await loadBatches(spark, state, newPaths)
  const scored = await evaluateVersion(spark, state, champion, () => recent.table.data)
  const errors = Object.fromEntries(
    MODEL_SPECS.map((model) => {
      const now = modelError(scored[model.name])
      const heldOut = modelError(champion.report.models[model.name].metrics)
      return [model.name, { recent: now, heldOut, ratio: errorRatio(now, heldOut, recent.rows) }]
    }),
  ) as DriftMeasure['errors']
  let psi = { feature: '', value: 0 }
  for (const bins of champion.bins) {
    const value = populationStabilityIndex(bins.shares, await binCounts(spark, recent.table.view, bins))
    if (value >= psi.value) psi = { feature: bins.feature, value }
  }
  await state.uncache(recent.table)
  return { rows: recent.rows, errors, psi }
}
