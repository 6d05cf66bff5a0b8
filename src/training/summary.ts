// The human summary of a training run, printed by `traffic train` and `traffic up`.
import type { ClassificationMetrics, Metrics } from './evaluate.ts'
import type { TrainingReport } from './report.ts'

const round = (value: number) => value.toFixed(4)

/** `accuracy … AUC … F1 …` for a classifier, `RMSE … MAE … R² …` for a regression. */
export function formatMetrics(metrics: Metrics): string {
  if ('accuracy' in metrics) {
    const m = metrics as ClassificationMetrics
    return `accuracy ${round(m.accuracy)}  AUC ${round(m.areaUnderROC)}  F1 ${round(m.f1)}`
  }
  return `RMSE ${round(metrics.rmse)}  MAE ${round(metrics.mae)}  R² ${round(metrics.r2)}`
}

/** A few lines per run: rows, time, and per model its held-out metrics and top features. */
export function formatTrainingSummary(report: TrainingReport): string {
  const lines = Object.entries(report.models).map(([name, model]) => {
    const top = model.importances.byColumn
      .slice(0, 3)
      .map((c) => `${c.column} ${round(c.importance)}`)
      .join(', ')
    return `  ${name.padEnd(26)} ${formatMetrics(model.metrics)}  (${model.rows.test} held-out rows; ${model.learner}; top features: ${top})`
  })
  return `✔ trained on ${report.batches.rows} rows in ${report.timings.total?.toFixed(1)} s\n${lines.join('\n')}\n`
}
