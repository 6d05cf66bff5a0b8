// What the pages derive from the trainer's analytics.json (GET /analytics) and report.json (GET /models).
import type { HistogramBin } from '../charts/options.ts'
import type { ModelView } from '../models.ts'
import type { Analytics, ModelCard, ModelReport, ModelsResponse, TrainingReport } from './contract.ts'

/** analytics.json, with the energy histogram the energy panel draws when the trainer provides one. */
export type TrafficAnalytics = Analytics & { energyHistogram?: HistogramBin[] }

/** The span of a city's hourly mean densities: where that city's traffic usually sits. */
export function typicalDensity(
  analytics: Analytics,
  city: string,
): { low: number; high: number } | undefined {
  const means = analytics.byCityHour.filter((cell) => cell.city === city).map((cell) => cell.meanDensity)
  return means.length ? { low: Math.min(...means), high: Math.max(...means) } : undefined
}

export interface ModelSummary {
  view: ModelView
  /** What the API serves (loaded or not, saved-at, stages). */
  card?: ModelCard
  /** What the trainer recorded (metrics, importances, rows); absent for models trained elsewhere. */
  report?: ModelReport
  trainedAt?: string
  params?: TrainingReport['params']
  /** How the rows were split between the models and into training and held-out rows. */
  split?: TrainingReport['split']
}

function isTrainingReport(value: unknown): value is TrainingReport {
  return typeof value === 'object' && value !== null && 'models' in value && 'trainedAt' in value
}

export function summarize(models: ModelView[], response: ModelsResponse): ModelSummary[] {
  const report = isTrainingReport(response.report) ? response.report : undefined
  return models.map((view) => ({
    view,
    card: response.models.find((card) => card.id === view.id),
    report: report?.models[view.folder],
    trainedAt: report?.trainedAt,
    params: report?.params,
    split: report?.split,
  }))
}

/**
 * The learner the API serves for a model, in words: the training report's when the report describes the loaded
 * pipeline, else the loaded pipeline's last stage and its tree count (a model trained elsewhere, or a report
 * out of step with the models).
 */
export function servedLearner({ card, report }: Pick<ModelSummary, 'card' | 'report'>): string | undefined {
  if (!card?.loaded) return undefined
  if (report && report.pipeline.uid === card.uid) return report.learner
  return `${card.stages.at(-1)?.split('.').at(-1)} with ${card.trees} trees`
}
