// The trainer's report.json (GET /models) and analytics.json (GET /analytics), read into the shapes the
// pages draw. Reading checks the shape, so a changed file gives a clear message rather than a blank chart.
import type { HistogramBin } from '../charts/options.ts'
import type { ModelKey } from '../models.ts'

export interface Group {
  key: string
  mean: number
  rows: number
}

export interface TrafficAnalytics {
  rows: number
  cityHour: { city: string; hour: number; mean: number }[]
  byWeather: Group[]
  byVehicle: Group[]
  byPeak: Group[]
  energyHistogram?: HistogramBin[]
}

export interface ModelCard {
  key: ModelKey
  task: 'regression' | 'classification'
  metrics: { name: string; value: number }[]
  importances: { feature: string; importance: number }[]
  /** Rows = actual class, columns = predicted class. */
  confusion?: { labels: string[]; counts: number[][] }
  rows: { train: number; test: number }
  trainedAt: string
}

export class ReportShapeError extends Error {}

type Json = Record<string, unknown>

function object(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ReportShapeError(`${what} is not an object`)
  }
  return value as Json
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ReportShapeError(`${what} is not a list`)
  return value
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ReportShapeError(`${what} is not a number`)
  return value
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new ReportShapeError(`${what} is not a text`)
  return value
}

function groups(value: unknown, keyField: string, what: string): Group[] {
  return list(value, what).map((item, i) => {
    const row = object(item, `${what}[${i}]`)
    return {
      key: String(row[keyField]),
      mean: num(row.mean, `${what}[${i}].mean`),
      rows: num(row.rows, `${what}[${i}].rows`),
    }
  })
}

export function readAnalytics(json: unknown): TrafficAnalytics {
  const root = object(json, 'analytics.json')
  const cityHour = list(root.densityByCityHour, 'densityByCityHour').map((item, i) => {
    const row = object(item, `densityByCityHour[${i}]`)
    return {
      city: str(row.city, `densityByCityHour[${i}].city`),
      hour: num(row.hour, `densityByCityHour[${i}].hour`),
      mean: num(row.mean, `densityByCityHour[${i}].mean`),
    }
  })
  return {
    rows: num(root.rows, 'rows'),
    cityHour,
    byWeather: groups(root.densityByWeather, 'weather', 'densityByWeather'),
    byVehicle: groups(root.densityByVehicleType, 'vehicleType', 'densityByVehicleType'),
    byPeak: groups(root.densityByPeakHour, 'isPeakHour', 'densityByPeakHour'),
  }
}

export function readModels(json: unknown): ModelCard[] {
  object(json, 'report.json')
  throw new ReportShapeError('model cards are not wired to report.json yet')
}

/** The span of a city's hourly mean densities: where that city's traffic usually sits. */
export function typicalDensity(
  analytics: TrafficAnalytics,
  city: string,
): { low: number; high: number } | undefined {
  const means = analytics.cityHour.filter((cell) => cell.city === city).map((cell) => cell.mean)
  return means.length ? { low: Math.min(...means), high: Math.max(...means) } : undefined
}
