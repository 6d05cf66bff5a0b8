// One model's panel: its form, the prediction drawn for people, and the same inputs across the 24 hours.
import { type FormEvent, useMemo, useState } from 'react'
import type { ColumnName, DayOfWeek } from '../../../src/contract/columns.ts'
import { isPeakHour } from '../../../src/dataset/profile.ts'
import { ApiError, api } from '../api/client.ts'
import type { PeakHourResponse } from '../api/contract.ts'
import type { TrafficAnalytics } from '../api/reports.ts'
import { whatIfChart } from '../charts/options.ts'
import { Chart } from '../components/Chart.tsx'
import { Field } from '../components/Field.tsx'
import { DensityResult } from '../components/results/DensityResult.tsx'
import { EnergyResult } from '../components/results/EnergyResult.tsx'
import { PeakResult } from '../components/results/PeakResult.tsx'
import { type FormValues, initialValues, toRequest, whatIfRows } from '../form.ts'
import type { ModelView, Predictions } from '../models.ts'
import { type ApiStatus, modelLoaded, START_COMMANDS } from '../status.ts'

interface PredictPanelProps {
  model: ModelView
  /** What the API serves for the model, in words; unknown until GET /models answers. */
  learner?: string
  status: ApiStatus
  analytics?: TrafficAnalytics
  onUnreachable(): void
}

interface Outcome {
  submitted: FormValues
  prediction: Predictions[keyof Predictions]
  whatIf?: number[]
  whatIfError?: string
}

const sameValues = (a: FormValues, b: FormValues) =>
  Object.keys(a).every((k) => a[k as ColumnName] === b[k as ColumnName])

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

export function PredictPanel({ model, learner, status, analytics, onUnreachable }: PredictPanelProps) {
  const [values, setValues] = useState(() => initialValues(model))
  const [outcome, setOutcome] = useState<Outcome>()
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<ColumnName, string>>>({})
  const [formError, setFormError] = useState<string>()
  const [pending, setPending] = useState(false)
  const idPrefix = model.id.replaceAll('_', '-')

  const onChange = (name: ColumnName, value: string) => setValues((v) => ({ ...v, [name]: value }))

  async function submit(event: FormEvent) {
    event.preventDefault()
    setPending(true)
    setFieldErrors({})
    setFormError(undefined)
    const body = toRequest(model, values)
    try {
      const prediction = await api.predict(model, body)
      const next: Outcome = { submitted: values, prediction }
      try {
        const answers = await api.predictBatch(model, whatIfRows(model, body))
        next.whatIf = answers.map((answer) => model.value(answer))
      } catch (error) {
        next.whatIfError = message(error)
      }
      setOutcome(next)
    } catch (error) {
      const details = error instanceof ApiError ? error.details : []
      const byField: Partial<Record<ColumnName, string>> = {}
      const general: string[] = []
      for (const detail of details) {
        if (detail.field && model.features.includes(detail.field as ColumnName)) {
          byField[detail.field as ColumnName] = detail.message
        } else general.push(detail.field ? `${detail.field} ${detail.message}` : detail.message)
      }
      setFieldErrors(byField)
      // Messages already shown next to their fields are not repeated under the form.
      const onlyFields = Object.keys(byField).length > 0 && general.length === 0
      setFormError(
        onlyFields ? 'The API did not accept the marked fields.' : [message(error), ...general].join(' — '),
      )
      if (error instanceof ApiError && error.unreachable) onUnreachable()
    } finally {
      setPending(false)
    }
  }

  const day = values['Day Of Week'] as DayOfWeek
  const hour = Number(values['Hour Of Day'])
  const peakHint = `By the data's rule, ${day} ${hour} h is ${isPeakHour(day, hour) ? '' : 'not '}a peak hour.`
  const ready = modelLoaded(status, model)
  const stale = outcome !== undefined && !sameValues(outcome.submitted, values)
  const submittedHour = Number(outcome?.submitted['Hour Of Day'])
  const whatIfOption = useMemo(
    () =>
      outcome?.whatIf &&
      whatIfChart({
        values: outcome.whatIf,
        selectedHour: submittedHour,
        name: model.id === 'is_peak_hour' ? 'probability of a peak hour' : model.target,
        digits: model.digits,
        yMax: model.id === 'is_peak_hour' ? 1 : undefined,
      }),
    [outcome, submittedHour, model],
  )
  const whatIfLabel = `${model.title} for each hour of the day: ${outcome?.whatIf
    ?.map((value, hour) => `${hour} h ${value.toFixed(model.digits)}`)
    .join(', ')}`
  const headingId = `${idPrefix}-title`

  return (
    <section className="card panel" aria-labelledby={headingId} data-testid={`panel-${model.id}`}>
      <h2 id={headingId}>{model.title}</h2>
      <p className="muted">
        Predicts <strong>{model.target}</strong> from {model.features.length} other columns
        {learner ? (
          <>
            {' '}
            with <span data-testid="learner">{learner}</span>
          </>
        ) : null}
        .
      </p>
      <div className="panel-body">
        <form
          onSubmit={submit}
          noValidate
          aria-describedby={formError ? `${idPrefix}-form-error` : undefined}
        >
          <div className="fields">
            {model.features.map((name) => (
              <Field
                key={name}
                idPrefix={idPrefix}
                name={name}
                value={values[name] ?? ''}
                error={fieldErrors[name]}
                hint={name === 'Is Peak Hour' ? peakHint : undefined}
                onChange={onChange}
              />
            ))}
          </div>
          {!ready && status.state === 'up' && (
            <p className="note">
              This model is not loaded in the API — train it with <code>{START_COMMANDS.train}</code>.
            </p>
          )}
          {formError && (
            <p id={`${idPrefix}-form-error`} className="error" role="alert" data-testid="form-error">
              {formError}
            </p>
          )}
          <button type="submit" className="primary" disabled={pending}>
            {pending ? 'Predicting…' : 'Predict'}
          </button>
        </form>
        <div className={`outcome${stale ? ' stale' : ''}`} aria-live="polite">
          {!outcome && <p className="placeholder">Set the inputs and press Predict.</p>}
          {stale && (
            <p className="note">Inputs changed since this prediction — press Predict to update it.</p>
          )}
          {outcome && model.id === 'traffic_density' && (
            <DensityResult
              value={model.value(outcome.prediction)}
              city={outcome.submitted.City ?? ''}
              analytics={analytics}
            />
          )}
          {outcome && model.id === 'is_peak_hour' && (
            <PeakResult prediction={outcome.prediction as PeakHourResponse} />
          )}
          {outcome && model.id === 'energy_consumption' && (
            <EnergyResult value={model.value(outcome.prediction)} analytics={analytics} />
          )}
          {whatIfOption && (
            <figure className="whatif">
              <figcaption>
                What if: the same inputs at every hour of the day
                {model.features.includes('Is Peak Hour') ? ' (Is Peak Hour following the hour)' : ''}
              </figcaption>
              <Chart option={whatIfOption} height={200} label={whatIfLabel} testId={`whatif-${model.id}`} />
            </figure>
          )}
          {outcome?.whatIfError && <p className="error">What-if chart unavailable: {outcome.whatIfError}</p>}
        </div>
      </div>
    </section>
  )
}
