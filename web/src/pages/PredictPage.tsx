// Predict: the models side by side (stacked on narrow windows), like the seed's Streamlit page, each naming the
// learner the API serves for it.
import { servedLearner, type TrafficAnalytics } from '../api/reports.ts'
import { MODELS } from '../models.ts'
import type { ApiStatus } from '../status.ts'
import type { Loaded } from '../useLoad.ts'
import { useModelSummaries } from '../useModelSummaries.ts'
import { PredictPanel } from './PredictPanel.tsx'

interface PredictPageProps {
  status: ApiStatus
  analytics: Loaded<TrafficAnalytics>
  onUnreachable(): void
}

export function PredictPage({ status, analytics, onUnreachable }: PredictPageProps) {
  const served = useModelSummaries(status).data
  return (
    <section className="page" aria-labelledby="predict-title">
      <h1 id="predict-title">Predict</h1>
      <p className="lead">
        One model per question, trained with Spark: each panel names the learner the API serves. Change the
        inputs and press Predict; the chart under each answer shows the same inputs at every hour of the day.
      </p>
      <div className="panels">
        {MODELS.map((model) => (
          <PredictPanel
            key={model.id}
            model={model}
            learner={servedLearner(served?.find((summary) => summary.view.id === model.id) ?? {})}
            status={status}
            analytics={analytics.data}
            onUnreachable={onUnreachable}
          />
        ))}
      </div>
    </section>
  )
}
