// Form values (the text each input holds) ⇄ the JSON body the API receives. The API does the validation:
// what the person typed is sent as is, so its field errors can be shown next to the field.

import type { ColumnName, DayOfWeek } from '../../src/contract/columns.ts'
import { isPeakHour } from '../../src/dataset/profile.ts'
import { columnOf, type ModelView } from './models.ts'

export type FormValues = Partial<Record<ColumnName, string>>
export type RequestBody = Partial<Record<ColumnName, string | number>>

export const HOURS = Array.from({ length: 24 }, (_, hour) => hour)

export function initialValues(model: ModelView): FormValues {
  const values: FormValues = {}
  for (const name of model.features) values[name] = String(model.defaults[name] ?? '')
  return values
}

export function toRequest(model: ModelView, values: FormValues): RequestBody {
  const body: RequestBody = {}
  for (const name of model.features) {
    const raw = (values[name] ?? '').trim()
    if (raw === '') continue // left empty: the API answers which field is missing
    body[name] = columnOf(name).kind === 'category' ? raw : Number(raw)
  }
  return body
}

/**
 * The same inputs at each hour of the day. Where the model takes Is Peak Hour as an input, it follows the
 * hour as in the data (weekdays 7, 8, 17, 18 h; weekends 12–14 h), so every row is a situation that occurs.
 */
export function whatIfRows(model: ModelView, body: RequestBody): RequestBody[] {
  const day = body['Day Of Week'] as DayOfWeek
  const followsPeak = model.features.includes('Is Peak Hour')
  return HOURS.map((hour) => ({
    ...body,
    'Hour Of Day': hour,
    ...(followsPeak ? { 'Is Peak Hour': isPeakHour(day, hour) } : {}),
  }))
}
