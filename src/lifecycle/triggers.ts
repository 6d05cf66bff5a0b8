// When continuous training trains a challenger: (a) enough batch rows newer than the champion's data, (b) the
// schedule, (c) drift of the champion on those newer rows — prediction drift (its error on them against its
// held-out error) or data drift (the largest PSI of a feature between its training rows and them).
// Prediction drift is measured over all the newer rows and per city: a change in one city of six moves the error
// over all rows by a sixth of it, so the worst city's ratio is what reaches the threshold. A city's held-out error
// is the champion's error on that city's rows of its window that it was not trained on — its part's held-out
// rows and the other models' parts, which it never saw — several times its held-out rows alone, so that each city
// has enough of them.
// Drift is measured with Spark, over the batch files as training reads them: the same evaluators as the held-out
// error it is compared with (so the ratio compares like with like), the same bins as training's (src/drift.ts),
// and the same reading of the files on a folder or on object storage.
import type { LifecycleConfig } from '../config.ts'
import { CITIES } from '../contract/columns.ts'
import { binCounts, populationStabilityIndex } from '../drift.ts'
import { type DataFrame, newUid, type SparkSession } from '../spark/index.ts'
import type { BatchFile } from '../stream/batch-files.ts'
import { type FoundBatches, loadBatches } from '../training/batches.ts'
import type { ClassificationMetrics, Metrics, RegressionMetrics } from '../training/evaluate.ts'
import { MODEL_SPECS, type ModelName } from '../training/model-specs.ts'
import type { ServerState } from '../training/server-state.ts'
import { holdOut, modelParts } from '../training/split.ts'
import { fileRows } from '../training/window.ts'
import { evaluateVersionOn, type SavedVersion } from './saved-version.ts'

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

/** The batch files a version was trained on: those inside its offset ranges. */
export function filesWithin(files: readonly BatchFile[], trained: readonly TrainedRange[]): BatchFile[] {
  return files.filter((file) =>
    trained.some(
      (range) =>
        range.partition === file.partition &&
        file.first >= BigInt(range.first) &&
        file.last <= BigInt(range.last),
    ),
  )
}

/** The Spark paths of `chosen`, some of the files `found`. */
export function pathsOf(found: FoundBatches, chosen: readonly BatchFile[]): string[] {
  const names = new Set(chosen.map((file) => file.name))
  return found.paths.filter((_, i) => names.has(found.files[i]?.name ?? ''))
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

export interface ErrorRatio {
  recent: number
  heldOut: number
  ratio: number
}

/** A model's error on one city's newer rows against its error on that city's rows it was not trained on. */
export interface CityError extends ErrorRatio {
  city: string
  model: ModelName
  /** The city's newer rows it was measured on. */
  rows: number
}

export interface DriftMeasure {
  /** The rows newer than the champion's data it was measured on. */
  rows: number
  /** Per model: the error on those rows, the held-out error, and their ratio. */
  errors: Record<ModelName, ErrorRatio>
  /** Per city and model, for the cities with enough rows on both sides. */
  cities: CityError[]
  /** The feature with the largest PSI between the champion's training rows and those rows. */
  psi: { feature: string; value: number }
}

/** Per city and model, the champion's error on the city's rows of its window it was not trained on, and their count. */
export type CityReference = Partial<
  Record<string, Partial<Record<ModelName, { error: number; rows: number }>>>
>

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
  const overall = (Object.entries(measure.errors) as [ModelName, ErrorRatio][]).map(([model, error]) => ({
    ...error,
    model,
    rows: measure.rows,
  }))
  const [worst] = [...overall, ...measure.cities].sort((a, b) => b.ratio - a.ratio) as [
    ErrorRatio & { model: ModelName; rows: number; city?: string },
  ]
  if (worst.ratio >= thresholds.driftErrorRatio) {
    const where = worst.city ? ` in ${worst.city}` : ''
    const rows = worst.city ? `${worst.rows} new rows of ${worst.city}` : `${worst.rows} new rows`
    return (
      `drift: ${worst.model} error ${worst.ratio.toFixed(2)}× held-out${where} ` +
      `(${worst.recent.toPrecision(4)} on ${rows}, ${worst.heldOut.toPrecision(4)} held out)`
    )
  }
  if (measure.psi.value >= thresholds.driftPsi) {
    return `drift: PSI ${measure.psi.value.toFixed(3)} of ${measure.psi.feature} on ${measure.rows} new rows`
  }
  return undefined
}

/** Each city's worst error ratio (of any model), worst city first. */
function worstByCity(measure: DriftMeasure): CityError[] {
  const worst = new Map<string, CityError>()
  for (const error of measure.cities) {
    if (error.ratio > (worst.get(error.city)?.ratio ?? Number.NEGATIVE_INFINITY)) worst.set(error.city, error)
  }
  return [...worst.values()].sort((a, b) => b.ratio - a.ratio)
}

/** In words, for the progress lines: every model's error ratio, each city's worst, and the largest PSI. */
export function describeDrift(measure: DriftMeasure): string {
  const ratios = Object.entries(measure.errors)
    .map(([name, error]) => `${name} ${error.ratio.toFixed(2)}×`)
    .join(', ')
  const cities = worstByCity(measure)
    .map((error) => `${error.city} ${error.model} ${error.ratio.toFixed(2)}×`)
    .join(', ')
  return (
    `${measure.rows} new rows: error ${ratios}${cities ? `; worst per city ${cities}` : ''}; ` +
    `largest PSI ${measure.psi.value.toFixed(3)} (${measure.psi.feature})`
  )
}

/** The rows of each city among `rows` and their count, for the cities with at least `minRows` of them. */
async function citiesOf(
  rows: DataFrame,
  minRows: number,
): Promise<Map<string, { rows: DataFrame; count: number }>> {
  const counted = await rows.groupBy(['City'], ['count(*) AS rows']).collect()
  const counts = new Map(counted.map((row) => [String(row.City), Number(row.rows)]))
  return new Map(
    CITIES.filter((city) => (counts.get(city) ?? 0) >= minRows).map((city) => [
      city,
      { rows: rows.filter(`City = '${city}'`), count: counts.get(city) as number },
    ]),
  )
}

/** Each city's rows, as the sets a version is scored on. */
function citySets(cities: Map<string, { rows: DataFrame }>): Record<string, DataFrame> {
  return Object.fromEntries([...cities].map(([city, { rows }]) => [city, rows]))
}

/** The set of every newer row, beside the cities' sets (no city has this name). */
const ALL_ROWS = '*'

/**
 * The champion's error per city and model on the rows of its window (`trainedPaths`, the batch files it was
 * trained on) that the model was not trained on, for the cities with at least `minRows` of them.
 */
export async function cityReference(
  spark: SparkSession,
  state: ServerState,
  champion: SavedVersion,
  trainedPaths: string[],
  minRows: number,
): Promise<CityReference> {
  const window = await loadBatches(spark, state, trainedPaths)
  const parts = modelParts(window.table.data)
  const unseen = new Map<ModelName, DataFrame>()
  const cached = [window.table]
  for (const model of MODEL_SPECS) {
    const pieces = [
      ...parts.filter((_, i) => i !== model.part),
      holdOut(parts[model.part] as DataFrame, champion.report.params.seed).heldOut,
    ]
    const views: string[] = []
    for (const piece of pieces) {
      const view = newUid('unseen_piece')
      await piece.createOrReplaceTempView(view)
      views.push(view)
    }
    const rows = await state.cache(
      spark.sql(views.map((view) => `SELECT * FROM ${view}`).join(' UNION ALL ')),
      'unseen',
    )
    cached.push(rows)
    unseen.set(model.name, rows.data)
  }
  const cities = new Map<ModelName, Awaited<ReturnType<typeof citiesOf>>>()
  for (const model of MODEL_SPECS) {
    cities.set(model.name, await citiesOf(unseen.get(model.name) as DataFrame, minRows))
  }
  const scored = await evaluateVersionOn(spark, state, champion, (model) =>
    citySets(cities.get(model.name) ?? new Map()),
  )
  const reference: CityReference = {}
  for (const [city, metrics] of Object.entries(scored)) {
    for (const [model, value] of Object.entries(metrics) as [ModelName, Metrics][]) {
      const rows = cities.get(model)?.get(city)?.count ?? 0
      reference[city] = { ...reference[city], [model]: { error: modelError(value), rows } }
    }
  }
  for (const table of cached.reverse()) await state.uncache(table)
  return reference
}

export interface CityOptions {
  /** The champion's error per city on its window's rows it was not trained on (cityReference). */
  reference: CityReference
  /** A city's error is measured when it has at least this many newer rows. */
  minRows: number
}

/**
 * The champion's prediction and data drift on the batch files `newPaths` (Spark paths), which it never saw; per
 * city too with `cities`.
 */
export async function measureDrift(
  spark: SparkSession,
  state: ServerState,
  champion: SavedVersion,
  newPaths: string[],
  cities?: CityOptions,
): Promise<DriftMeasure> {
  const recent = await loadBatches(spark, state, newPaths)
  const byCity = cities ? await citiesOf(recent.table.data, cities.minRows) : new Map()
  const scored = await evaluateVersionOn(spark, state, champion, () => ({
    ...citySets(byCity),
    [ALL_ROWS]: recent.table.data,
  }))
  const errors = Object.fromEntries(
    MODEL_SPECS.map((model) => {
      const now = modelError((scored[ALL_ROWS] as Record<ModelName, Metrics>)[model.name])
      const heldOut = modelError(champion.report.models[model.name].metrics)
      return [model.name, { recent: now, heldOut, ratio: errorRatio(now, heldOut, recent.rows) }]
    }),
  ) as DriftMeasure['errors']
  const perCity: CityError[] = []
  for (const [city, { count }] of byCity) {
    for (const model of MODEL_SPECS) {
      const reference = cities?.reference[city]?.[model.name]
      const metrics = scored[city]?.[model.name]
      if (!reference || !metrics) continue
      const now = modelError(metrics)
      perCity.push({
        city,
        model: model.name,
        rows: count,
        recent: now,
        heldOut: reference.error,
        ratio: errorRatio(now, reference.error, reference.rows),
      })
    }
  }
  let psi = { feature: '', value: 0 }
  for (const bins of champion.bins) {
    const value = populationStabilityIndex(bins.shares, await binCounts(spark, recent.table.view, bins))
    if (value >= psi.value) psi = { feature: bins.feature, value }
  }
  await state.uncache(recent.table)
  return { rows: recent.rows, errors, cities: perCity, psi }
}
