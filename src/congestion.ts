// Congestion, the one home of what a jam is: a live window is congested when its city's mean Traffic Density is
// far above what is normal for that city at that Day Of Week and Hour Of Day — its expected level (the mean of the
// training rows there) by more than ALERT_Z.low of its spread (their standard deviation). A normal hour stays
// well inside its own spread whatever its level, so alerts come from jams and lasting changes, not from busy hours.
// Training computes the baseline into analytics.json; the live alerts read it from there, or compute it the same
// way from the data set for models trained before it existed.
import { ANALYTICS_FILE } from './contract/models.ts'
import type { SparkSession } from './spark/index.ts'
import type { PublishedModels } from './training/models-publisher.ts'

/** A window's severity by how many spreads its mean is above the expected level: low from 1, high from 3. */
export const ALERT_Z = { low: 1, high: 3 } as const

/** Below this many training rows an hour's own spread is too uncertain: the city's spread over all hours is used. */
const MIN_CELL_ROWS = 30

/** What is normal for a city at a Day Of Week and Hour Of Day. */
export interface CongestionCell {
  city: string
  day: string
  hour: number
  /** Mean Traffic Density of the training rows of that city, day and hour. */
  expected: number
  /** Their standard deviation (the city's own over all hours when they are too few). */
  spread: number
  rows: number
}

/** The baseline of every city, day and hour of the rows in `view`, computed on Spark. */
export async function congestionBaseline(spark: SparkSession, view: string): Promise<CongestionCell[]> {
  const density = '`Traffic Density`'
  const [cells, cities] = await Promise.all([
    spark
      .sql(
        `SELECT City AS city, \`Day Of Week\` AS day, \`Hour Of Day\` AS hour, avg(${density}) AS expected, ` +
          `stddev_samp(${density}) AS spread, count(*) AS rows FROM ${view} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      )
      .collect(),
    spark.sql(`SELECT City AS city, stddev_samp(${density}) AS spread FROM ${view} GROUP BY 1`).collect(),
  ])
  const citySpread = new Map(cities.map((row) => [String(row.city), Number(row.spread)]))
  return cells.map((row) => {
    const rows = Number(row.rows)
    const own = Number(row.spread)
    const spread = rows >= MIN_CELL_ROWS && own > 0 ? own : (citySpread.get(String(row.city)) ?? 0)
    return {
      city: String(row.city),
      day: String(row.day),
      hour: Number(row.hour),
      expected: Number(row.expected),
      spread,
      rows,
    }
  })
}

/** The baseline training stored in the published models' analytics.json; undefined when it holds none. */
export async function storedCongestionBaseline(
  models: PublishedModels,
): Promise<{ cells: CongestionCell[]; file: string } | undefined> {
  const body = await models.readFile(ANALYTICS_FILE)
  if (!body) return undefined
  const file = `${models.location.replace(/\/$/, '')}/${ANALYTICS_FILE}`
  const analytics = JSON.parse(body.toString('utf8')) as { congestion_baseline?: CongestionCell[] }
  const cells = analytics.congestion_baseline
  return Array.isArray(cells) && cells.length > 0 ? { cells, file } : undefined
}
