// The analysis the UI draws, computed with Spark SQL over all batch rows: mean Traffic Density by city and
// hour, by weather, by vehicle type, peak vs off-peak, row counts, and the distribution of Energy Consumption
// (where a predicted energy sits among the observed ones).
import { type CongestionCell, congestionBaseline } from '../congestion.ts'
import { type FeatureBins, featureBins } from '../drift.ts'
import { quoteIdentifier, type SparkSession } from '../spark/index.ts'

export interface DensityGroup {
  meanDensity: number
  rows: number
}

export interface Analytics {
  generatedAt: string
  rows: number
  byCity: (DensityGroup & { city: string })[]
  byCityHour: (DensityGroup & { city: string; hour: number })[]
  byWeather: (DensityGroup & { weather: string })[]
  byVehicleType: (DensityGroup & { vehicleType: string })[]
  byPeakHour: (DensityGroup & { isPeakHour: number })[]
  energyHistogram: HistogramBin[]
  /** Per city, day and hour, the normal density the live alerts compare with (src/congestion.ts). */
  congestion_baseline: CongestionCell[]
  /** Per feature, the training rows' bins and shares the live data drift compares with (src/drift.ts). */
  feature_bins: FeatureBins[]
}

export interface HistogramBin {
  /** Bin [from, to): energy values. */
  from: number
  to: number
  rows: number
}

/** Energy in bins of this width: ~40 bins over the observed range (0–220). */
const ENERGY_BIN_WIDTH = 5

/** Every column the summaries group by, in one order: a grouping set is a subset of them. */
const GROUP_COLUMNS = {
  city: quoteIdentifier('City'),
  hour: quoteIdentifier('Hour Of Day'),
  weather: quoteIdentifier('Weather'),
  vehicleType: quoteIdentifier('Vehicle Type'),
  isPeakHour: quoteIdentifier('Is Peak Hour'),
  energyBin: `CAST(floor(${quoteIdentifier('Energy Consumption')} / ${ENERGY_BIN_WIDTH}) AS INT)`,
} as const
type GroupKey = keyof typeof GROUP_COLUMNS
const GROUP_KEYS = Object.keys(GROUP_COLUMNS) as GroupKey[]

const GROUPINGS = {
  byCity: ['city'],
  byCityHour: ['city', 'hour'],
  byWeather: ['weather'],
  byVehicleType: ['vehicleType'],
  byPeakHour: ['isPeakHour'],
  energyHistogram: ['energyBin'],
} as const satisfies Record<string, readonly GroupKey[]>
type Grouping = keyof typeof GROUPINGS

/** Spark's grouping_id() of a grouping set: one bit per GROUP_COLUMNS entry, set when the set leaves it out. */
function groupingId(keys: readonly GroupKey[]): number {
  return GROUP_KEYS.reduce(
    (id, key, i) => (keys.includes(key) ? id : id | (1 << (GROUP_KEYS.length - 1 - i))),
    0,
  )
}

/**
 * Mean density and row count of every grouping, in one pass over the rows (GROUPING SETS): one Spark job instead
 * of one per grouping. Each grouping's rows come back ordered by its keys.
 */
async function groupedSummaries(
  spark: SparkSession,
  view: string,
): Promise<Record<Grouping, Record<string, unknown>[]>> {
  const select = GROUP_KEYS.map((key) => `${GROUP_COLUMNS[key]} AS ${key}`).join(', ')
  const sets = Object.values(GROUPINGS)
    .map((keys) => `(${keys.map((key) => GROUP_COLUMNS[key]).join(', ')})`)
    .join(', ')
  const rows = await spark
    .sql(
      `SELECT ${select}, grouping_id() AS grouping, avg(\`Traffic Density\`) AS meanDensity, count(*) AS rows FROM ${view} ` +
        `GROUP BY GROUPING SETS (${sets}) ORDER BY grouping, ${GROUP_KEYS.join(', ')}`,
    )
    .collect()
  return Object.fromEntries(
    Object.entries(GROUPINGS).map(([name, keys]) => [
      name,
      rows.filter((row) => Number(row.grouping) === groupingId(keys)),
    ]),
  ) as Record<Grouping, Record<string, unknown>[]>
}

/** A grouping's rows as `{<keys>, meanDensity, rows}`. */
function densityGroups<K extends GroupKey>(
  rows: readonly Record<string, unknown>[],
  keys: readonly K[],
): (DensityGroup & Record<K, string | number>)[] {
  return rows.map(
    (row) =>
      ({
        ...Object.fromEntries(keys.map((key) => [key, row[key]])),
        meanDensity: Number(row.meanDensity),
        rows: Number(row.rows),
      }) as DensityGroup & Record<K, string | number>,
  )
}

function energyHistogram(rows: readonly Record<string, unknown>[]): HistogramBin[] {
  return rows.map((row) => {
    const from = Number(row.energyBin) * ENERGY_BIN_WIDTH
    return { from, to: from + ENERGY_BIN_WIDTH, rows: Number(row.rows) }
  })
}

export async function computeAnalytics(spark: SparkSession, view: string, rows: number): Promise<Analytics> {
  const [groups, congestion, bins] = await Promise.all([
    groupedSummaries(spark, view),
    congestionBaseline(spark, view),
    featureBins(spark, view),
  ])
  return {
    generatedAt: new Date().toISOString(),
    rows,
    byCity: densityGroups(groups.byCity, GROUPINGS.byCity) as Analytics['byCity'],
    byCityHour: densityGroups(groups.byCityHour, GROUPINGS.byCityHour) as Analytics['byCityHour'],
    byWeather: densityGroups(groups.byWeather, GROUPINGS.byWeather) as Analytics['byWeather'],
    byVehicleType: densityGroups(groups.byVehicleType, GROUPINGS.byVehicleType) as Analytics['byVehicleType'],
    byPeakHour: densityGroups(groups.byPeakHour, GROUPINGS.byPeakHour) as Analytics['byPeakHour'],
    energyHistogram: energyHistogram(groups.energyHistogram),
    congestion_baseline: congestion,
    feature_bins: bins,
  }
}
