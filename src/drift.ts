// Data drift, measured per feature by the Population Stability Index between the training rows and the live rows:
// PSI = Σ (live share − training share) × ln(live share / training share) over the feature's bins. The bins come
// from the training rows — deciles of a measure, the vocabulary of a category — and are saved with the models
// (analytics.json `feature_bins`), so the live side bins each row the way training did.
// Day Of Week, Hour Of Day and Is Peak Hour are left out: a live window covers a few simulated hours by
// construction, so their shift says where the clock is, not that the traffic changed.
import {
  CITIES,
  ECONOMIC_CONDITIONS,
  type TrafficRecord,
  VEHICLE_TYPES,
  WEATHERS,
} from './contract/columns.ts'
import { quoteIdentifier, type SparkSession } from './spark/index.ts'

const MEASURES = ['Speed', 'Energy Consumption', 'Traffic Density'] as const
const CATEGORIES = {
  City: CITIES,
  'Vehicle Type': VEHICLE_TYPES,
  Weather: WEATHERS,
  'Economic Condition': ECONOMIC_CONDITIONS,
  'Random Event Occurred': [0, 1],
} as const

/** Conventional PSI levels: below 0.1 no drift, from 0.25 a significant one. */
export const PSI_LEVELS = { moderate: 0.1, significant: 0.25 } as const

/** Share floor of an empty bin, so its logarithm stays finite. */
const EMPTY_SHARE = 1e-4

export type FeatureBins =
  | { feature: string; kind: 'measure'; edges: number[]; shares: number[] }
  | { feature: string; kind: 'category'; values: (string | number)[]; shares: number[] }

function shares(counts: number[]): number[] {
  const total = counts.reduce((sum, n) => sum + n, 0)
  return counts.map((n) => (total ? n / total : 0))
}

/** `CASE WHEN x < e1 THEN 0 WHEN x < e2 THEN 1 … ELSE n END`: the bin of a measure, as `binOf` computes it. */
function binExpression(column: string, edges: number[]): string {
  if (edges.length === 0) return '0'
  const cases = edges.map((edge, i) => `WHEN ${column} < CAST('${edge}' AS DOUBLE) THEN ${i}`).join(' ')
  return `CASE ${cases} ELSE ${edges.length} END`
}

/** A feature's bins without their shares: what counting rows into them needs. */
export type Binning =
  | { feature: string; kind: 'measure'; edges: number[] }
  | { feature: string; kind: 'category'; values: readonly (string | number)[] }

/** How many rows of `view` fall in each bin (a category's rows outside its values are not counted). */
export async function binCounts(spark: SparkSession, view: string, bins: Binning): Promise<number[]> {
  const column = quoteIdentifier(bins.feature)
  const key = bins.kind === 'measure' ? binExpression(column, bins.edges) : column
  const rows = await spark.sql(`SELECT ${key} AS bin, count(*) AS rows FROM ${view} GROUP BY 1`).collect()
  const index = (bin: unknown) =>
    bins.kind === 'measure' ? Number(bin) : bins.values.findIndex((value) => String(value) === String(bin))
  const counts = new Array<number>(bins.kind === 'measure' ? bins.edges.length + 1 : bins.values.length).fill(
    0,
  )
  for (const row of rows) {
    const i = index(row.bin)
    if (i >= 0) counts[i] = Number(row.rows)
  }
  return counts
}

async function measureBins(spark: SparkSession, view: string, feature: string): Promise<FeatureBins> {
  const column = quoteIdentifier(feature)
  const [row] = await spark
    .sql(
      `SELECT approx_percentile(${column}, array(0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)) AS q FROM ${view}`,
    )
    .collect()
  const edges = [...new Set(((row?.q as number[] | null) ?? []).map(Number))].sort((a, b) => a - b)
  const counts = await binCounts(spark, view, { feature, kind: 'measure', edges })
  return { feature, kind: 'measure', edges, shares: shares(counts) }
}

async function categoryBins(
  spark: SparkSession,
  view: string,
  feature: keyof typeof CATEGORIES,
): Promise<FeatureBins> {
  const values = [...CATEGORIES[feature]]
  const counts = await binCounts(spark, view, { feature, kind: 'category', values })
  return { feature, kind: 'category', values, shares: shares(counts) }
}

/** The stored bins of analytics.json, when it holds any. */
export function storedFeatureBins(analytics: unknown): FeatureBins[] | undefined {
  const bins = (analytics as { feature_bins?: unknown } | null)?.feature_bins
  return Array.isArray(bins) && bins.length > 0 ? (bins as FeatureBins[]) : undefined
}

/** The bins of every drift feature over the rows in `view`, with the training share of each. */
export async function featureBins(spark: SparkSession, view: string): Promise<FeatureBins[]> {
  return [
    ...(await Promise.all(MEASURES.map((feature) => measureBins(spark, view, feature)))),
    ...(await Promise.all(
      (Object.keys(CATEGORIES) as (keyof typeof CATEGORIES)[]).map((f) => categoryBins(spark, view, f)),
    )),
  ]
}

/** The bin a record's value falls in; -1 for a category training never had. */
export function binOf(bins: FeatureBins, record: TrafficRecord): number {
  const value = record[bins.feature as keyof TrafficRecord]
  if (bins.kind === 'category') return bins.values.indexOf(value)
  const index = bins.edges.findIndex((edge) => (value as number) < edge)
  return index === -1 ? bins.edges.length : index
}

/** PSI of the live bin counts against the training shares. */
export function populationStabilityIndex(training: number[], liveCounts: number[]): number {
  const live = shares(liveCounts)
  return training.reduce((sum, expected, i) => {
    const e = Math.max(expected, EMPTY_SHARE)
    const a = Math.max(live[i] ?? 0, EMPTY_SHARE)
    return sum + (a - e) * Math.log(a / e)
  }, 0)
}
