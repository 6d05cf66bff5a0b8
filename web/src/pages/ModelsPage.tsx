// Models: the registry's versions and promotion log, then one card per served model — how well it does on
// held-out rows, what it looks at, what it was trained on.
import { useMemo } from 'react'
import type { ClassificationMetrics, ModelReport, RegressionMetrics } from '../api/contract.ts'
import type { ModelSummary } from '../api/reports.ts'
import { barChart } from '../charts/options.ts'
import { Chart } from '../components/Chart.tsx'
import type { ApiStatus } from '../status.ts'
import { useModelSummaries } from '../useModelSummaries.ts'
import { VersionsSection } from './VersionsSection.tsx'

const isClassification = (metrics: ModelReport['metrics']): metrics is ClassificationMetrics =>
  'confusionMatrix' in metrics

function metricList(metrics: ModelReport['metrics']): [string, string][] {
  if (isClassification(metrics)) {
    return [
      ['Accuracy', metrics.accuracy.toFixed(4)],
      ['AUC', metrics.areaUnderROC.toFixed(4)],
      ['F1 (weighted)', metrics.f1.toFixed(4)],
      ['F1 peak hour', metrics.f1Positive.toFixed(4)],
      ['Precision', metrics.precisionPositive.toFixed(4)],
      ['Recall', metrics.recallPositive.toFixed(4)],
    ]
  }
  const regression = metrics as RegressionMetrics
  return [
    ['R²', regression.r2.toFixed(4)],
    ['RMSE', regression.rmse.toFixed(4)],
    ['MAE', regression.mae.toFixed(4)],
  ]
}

function ConfusionMatrix({ metrics }: { metrics: ClassificationMetrics }) {
  const [[tn, fp], [fn, tp]] = metrics.confusionMatrix.counts
  const total = tn + fp + fn + tp || 1
  const cell = (count: number, right: boolean) => (
    <td
      style={{
        background: `rgba(${right ? '47,158,91' : '214,69,69'},${(0.12 + (0.6 * count) / total).toFixed(2)})`,
      }}
    >
      {count.toLocaleString('en')}
    </td>
  )
  return (
    <div className="table-scroll">
      <table className="confusion" data-testid="confusion-matrix">
        <caption className="sr-only">
          Confusion matrix: actual class by predicted class, held-out rows
        </caption>
        <thead>
          <tr>
            <td />
            <th scope="col">Predicted: not peak</th>
            <th scope="col">Predicted: peak</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <th scope="row">Actual: not peak</th>
            {cell(tn, true)}
            {cell(fp, false)}
          </tr>
          <tr>
            <th scope="row">Actual: peak</th>
            {cell(fn, false)}
            {cell(tp, true)}
          </tr>
        </tbody>
      </table>
    </div>
  )
}

/** The learners tuning (or the benchmark) compared, best score first marked as the one saved. */
function Candidates({ report }: { report: ModelReport }) {
  const compared = report.candidates
  if (!compared) return null
  const quality = (metrics: ModelReport['metrics']) =>
    isClassification(metrics)
      ? `accuracy ${metrics.accuracy.toFixed(4)}, AUC ${metrics.areaUnderROC.toFixed(4)}`
      : `R² ${(metrics as RegressionMetrics).r2.toFixed(4)}`
  return (
    <details className="candidates">
      <summary>
        {compared.results.length} learners compared on {compared.scoredOn} rows ({compared.metric})
      </summary>
      <div className="table-scroll">
        <table data-testid="candidates">
          <thead>
            <tr>
              <th scope="col">Learner</th>
              <th scope="col">Score</th>
              <th scope="col">Fit (s)</th>
            </tr>
          </thead>
          <tbody>
            {compared.results.map((result) => (
              <tr key={result.learner} className={result.learner === report.learner ? 'chosen' : undefined}>
                <td>
                  {result.learner}
                  {result.learner === report.learner ? ' ✔' : ''}
                </td>
                <td>{quality(result.metrics)}</td>
                <td>{result.fitSeconds.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  )
}

function ModelCardView({ summary }: { summary: ModelSummary }) {
  const { view, card, report, trainedAt, params, split } = summary
  const importances = report?.importances.byColumn
  const option = useMemo(
    () =>
      importances &&
      barChart({
        categories: importances.map((i) => i.column),
        values: importances.map((i) => i.importance),
        digits: 3,
        horizontal: true,
      }),
    [importances],
  )
  return (
    <article className="card" aria-labelledby={`card-${view.id}`} data-testid={`model-card-${view.id}`}>
      <h2 id={`card-${view.id}`}>
        {view.title} <span className="muted">— predicts {view.target}</span>
      </h2>
      <p className="muted">
        <code>{view.folder}</code> · {card?.loaded ? 'loaded in the API' : 'not loaded in the API'}
        {card?.error ? ` (${card.error})` : ''}
      </p>
      {report ? (
        <>
          <dl className="metrics">
            {metricList(report.metrics).map(([name, value]) => (
              <div key={name}>
                <dt>{name}</dt>
                <dd>{value}</dd>
              </div>
            ))}
          </dl>
          <p className="muted">
            Trained on {report.rows.train.toLocaleString('en')} rows, evaluated on{' '}
            {report.rows.test.toLocaleString('en')} held-out rows (part {report.part + 1}
            {split ? ` of ${split.weights.length}` : ''}: {report.rows.part.toLocaleString('en')} rows)
            {trainedAt ? `, at ${new Date(trainedAt).toLocaleString('en-GB')}` : ''}.
            {params ? ` Text columns ${params.encoding}.` : ''}
          </p>
          <p data-testid={`learner-${view.id}`}>
            <strong>Learner:</strong> {report.learner}
          </p>
          {report.candidates && <Candidates report={report} />}
          {report.warnings.map((warning) => (
            <p key={warning} className="note">
              Spark: {warning}
            </p>
          ))}
          {isClassification(report.metrics) && <ConfusionMatrix metrics={report.metrics} />}
          <h3>Feature importances</h3>
          {option && (
            <Chart
              option={option}
              height={Math.max(180, 26 * (importances?.length ?? 0))}
              label={`Feature importances of the ${view.title} model`}
              testId={`importances-${view.id}`}
            />
          )}
        </>
      ) : (
        <p className="placeholder">
          No training report for this model: it was trained elsewhere, or <code>report.json</code> is missing.
          Run <code>npx traffic train</code> to get metrics and importances.
        </p>
      )}
      {card?.saved_at && (
        <p className="muted small">
          Saved {new Date(card.saved_at).toLocaleString('en-GB')} by Spark {card.spark_version ?? '?'} ·{' '}
          {card.stages.map((s) => s.split('.').at(-1)).join(' → ')}
        </p>
      )}
    </article>
  )
}

export function ModelsPage({ status }: { status: ApiStatus }) {
  const models = useModelSummaries(status)
  return (
    <section className="page" aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      <p className="lead">
        Tree models (random forests or gradient-boosted trees) trained with Spark MLlib, each on its own part
        of the data and evaluated on rows held out of its training.
      </p>
      {status.state !== 'up' && !models.data && <p className="placeholder">Waiting for the API…</p>}
      {models.error && (
        <p className="error" role="alert">
          Could not load the model cards: {models.error.message}
        </p>
      )}
      <VersionsSection />
      <h2 className="section-title">The served models</h2>
      <div className="grid-cards">
        {models.data?.map((summary) => (
          <ModelCardView key={summary.view.id} summary={summary} />
        ))}
      </div>
    </section>
  )
}
