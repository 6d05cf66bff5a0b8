// Congestion thresholds, the one home of what a jam is: per city, the CONGESTION_PERCENTILE of its hourly mean
// Traffic Density (the mean of each Day Of Week × Hour Of Day). Training computes them into analytics.json; the
// live alerts read them from there, or compute them the same way from the data set for models trained before
// thresholds existed.
import { ANALYTICS_FILE } from './contract/models.ts'
import type { SparkSession } from './spark/index.ts'
import type { PublishedModels } from './training/models-publisher.ts'

/** Which share of a city's hours count as normal: the rest are congested. */
export const CONGESTION_PERCENTILE = 0.9

/** The thresholds by city of the rows in `view`, computed on Spark. */
export async function congestionThresholds(
  spark: SparkSession,
  view: string,
): Promise<Record<string, number>> {
  const rows = await spark
    .sql(
      `SELECT City AS city, percentile(mean, ${CONGESTION_PERCENTILE}) AS threshold FROM (` +
        `SELECT City, \`Day Of Week\`, \`Hour Of Day\`, avg(\`Traffic Density\`) AS mean FROM ${view} GROUP BY 1, 2, 3` +
        ') GROUP BY City ORDER BY City',
    )
    .collect()
  return Object.fromEntries(rows.map((row) => [String(row.city), Number(row.threshold)]))
}

/** The thresholds training stored in the published models' analytics.json; undefined when it holds none. */
export async function storedCongestionThresholds(
  models: PublishedModels,
): Promise<{ byCity: Record<string, number>; file: string } | undefined> {
  const body = await models.readFile(ANALYTICS_FILE)
  if (!body) return undefined
  const file = `${models.location.replace(/\/$/, '')}/${ANALYTICS_FILE}`
  const analytics = JSON.parse(body.toString('utf8')) as {
    congestion_thresholds?: Record<string, number>
  }
  const byCity = analytics.congestion_thresholds
  return byCity && Object.keys(byCity).length > 0 ? { byCity, file } : undefined
}
