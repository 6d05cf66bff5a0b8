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

async function energyHistogram(spark: SparkSession, view: string): Promise<HistogramBin[]> {
  const rows = await spark
    .sql(
      `SELECT CAST(floor(\`Energy Consumption\` / ${ENERGY_BIN_WIDTH}) AS INT) AS bin, count(*) AS rows FROM ${view} GROUP BY 1 ORDER BY 1`,
    )
    .collect()
  return rows.map((row) => {
    const from = Number(row.bin) * ENERGY_BIN_WIDTH
    return { from, to: from + ENERGY_BIN_WIDTH, rows: Number(row.rows) }
  })
}

/** `SELECT <keys>, avg(density), count(*) … GROUP BY <keys> ORDER BY <keys>` as plain objects. */
async function densityBy<K extends string>(
  spark: SparkSession,
  view: string,
  keys: Record<K, string>,
): Promise<(DensityGroup & Record<K, string | number>)[]> {
  const entries = Object.entries(keys) as [K, string][]
  const select = entries.map(([as, column]) => `${quoteIdentifier(column)} AS ${as}`).join(', ')
  const positions = entries.map((_, i) => i + 1).join(', ')
  const rows = await spark
    .sql(
      `SELECT ${select}, avg(\`Traffic Density\`) AS meanDensity, count(*) AS rows FROM ${view} GROUP BY ${positions} ORDER BY ${positions}`,
    )
    .collect()
  return rows.map((row) => ({ ...row, rows: Number(row.rows) }) as DensityGroup & Record<K, string | number>)
}

export async function computeAnalytics(spark: SparkSession, view: string, rows: number): Promise<Analytics> {
  return {
    generatedAt: new Date().toISOString(),
    rows,
    byCity: (await densityBy(spark, view, { city: 'City' })) as Analytics['byCity'],
    byCityHour: (await densityBy(spark, view, {
      city: 'City',
      hour: 'Hour Of Day',
    })) as Analytics['byCityHour'],
    byWeather: (await densityBy(spark, view, { weather: 'Weather' })) as Analytics['byWeather'],
    byVehicleType: (await densityBy(spark, view, {
      vehicleType: 'Vehicle Type',
    })) as Analytics['byVehicleType'],
    byPeakHour: (await densityBy(spark, view, { isPeakHour: 'Is Peak Hour' })) as Analytics['byPeakHour'],
    energyHistogram: await energyHistogram(spark, view),
    congestion_baseline: await congestionBaseline(spark, view),
    feature_bins: await featureBins(spark, view),
  }
}
