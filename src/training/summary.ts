// The human summary of a training run, printed by `traffic train` and `traffic up`.
import type { ClassificationMetrics, RegressionMetrics } from './evaluate.ts'
import type { TrainingReport } from './report.ts'

const round = (value: number) => value.toFixed(4)

/** A few lines per run: rows, time, and per model its held-out metrics and top features. */
export function formatTrainingSummary(report: TrainingReport): string {
  const lines = Object.entries(report.models).map(([name, model]) => {
    const top = model.importances.byColumn
      .slice(0, 3)
      .map((c) => `${c.column} ${round(c.importance)}`)
      .join(', ')
    let metrics: string
    if (model.task === 'classification') {
      const m = model.metrics as ClassificationMetrics
      metrics = `accuracy ${round(m.accuracy)}  AUC ${round(m.areaUnderROC)}  F1 ${round(m.f1)}`
    } else {
      const m = model.metrics as RegressionMetrics
      metrics = `RMSE ${round(m.rmse)}  MAE ${round(m.mae)}  R² ${round(m.r2)}`
    }
    return `  ${name.padEnd(26)} ${metrics}  (${model.rows.test} held-out rows; top features: ${top})`
  })
  return `✔ trained on ${report.batches.rows} rows in ${report.timings.total?.toFixed(1)} s\n${lines.join('\n')}\n`
}
