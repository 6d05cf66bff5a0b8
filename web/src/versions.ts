// How the UI presents the model registry (GET /models/versions): one headline held-out metric per model, short
// version ids, and what a promotion log entry says on a chart.
import type { ClassificationMetrics, LogEntry, Metrics, RegressionMetrics } from './api/contract.ts'
import { COLORS } from './charts/options.ts'
import { MODELS, type ModelView } from './models.ts'

const MODEL_COLORS = [COLORS.accent, COLORS.high, COLORS.low]

export interface Headline {
  model: ModelView
  /** e.g. 'Traffic density R²' */
  label: string
  /** Its colour on the charts. */
  color: string
  value(metrics: Metrics): number
}

/** Accuracy for the classifier, R² for the regressions: the number each version is judged by at a glance. */
export const HEADLINES: Headline[] = MODELS.map((model, i) => ({
  model,
  color: MODEL_COLORS[i % MODEL_COLORS.length] as string,
  ...(model.task === 'classification'
    ? { label: `${model.title} accuracy`, value: (m: Metrics) => (m as ClassificationMetrics).accuracy }
    : { label: `${model.title} R²`, value: (m: Metrics) => (m as RegressionMetrics).r2 }),
}))

/** The random tail of a version id (its head is the training time, shown beside it). */
export const shortId = (id: string) => id.split('-').at(-1) ?? id

/** Entries that changed the champion: the ones the Live page marks on its error chart. */
export const championChanges = (log: readonly LogEntry[]) => log.filter((entry) => entry.action !== 'reject')

export function changeLabel(entry: LogEntry): string {
  return entry.action === 'rollback' ? `rolled back to ${shortId(entry.to)}` : `promoted ${shortId(entry.to)}`
}
