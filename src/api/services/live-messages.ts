// The three kinds of live messages, decoded and checked: a stream row (the 11 columns plus its simulated
// "Event Time"), a window of urban_traffic_windows and an alert of urban_traffic_alerts. Anything else is
// rejected with the reason, never thrown.
import type { TSchema } from '@sinclair/typebox'
import { FormatRegistry } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { TrafficRecord } from '../../contract/columns.ts'
import { formatFieldErrors, validateRecord } from '../../contract/validate.ts'
import { LiveAlert, LiveWindow } from '../live-schemas.ts'

/** The extra key the replay adds to each row: the simulated time, ISO-8601 UTC. */
export const EVENT_TIME_KEY = 'Event Time'

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string }

export interface StreamRow {
  record: TrafficRecord
  /** Absent on rows produced by `traffic produce`, which carry no simulated time. */
  eventTime: string | undefined
}

function parseJson(value: Buffer | undefined | null): Decoded<unknown> {
  if (!value || value.length === 0) return { ok: false, reason: 'empty message' }
  try {
    return { ok: true, value: JSON.parse(value.toString('utf8')) }
  } catch (error) {
    return { ok: false, reason: `not valid JSON: ${(error as Error).message}` }
  }
}

export function decodeStreamRow(value: Buffer | undefined | null): Decoded<StreamRow> {
  const parsed = parseJson(value)
  if (!parsed.ok) return parsed
  const checked = validateRecord(parsed.value)
  if (!checked.ok) return { ok: false, reason: formatFieldErrors(checked.errors) }
  const eventTime = (parsed.value as Record<string, unknown>)[EVENT_TIME_KEY]
  if (eventTime !== undefined && (typeof eventTime !== 'string' || Number.isNaN(Date.parse(eventTime)))) {
    return {
      ok: false,
      reason: `${EVENT_TIME_KEY} must be an ISO-8601 time (got ${JSON.stringify(eventTime)})`,
    }
  }
  return { ok: true, value: { record: checked.value, eventTime } }
}

function isIsoTime(value: string): boolean {
  return /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))
}

function decodeAs<T>(schema: TSchema, value: Buffer | undefined | null): Decoded<T> {
  // TypeBox checks `format` only through its registry, which starts empty.
  if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isIsoTime)
  const parsed = parseJson(value)
  if (!parsed.ok) return parsed
  const error = Value.Errors(schema, parsed.value).First()
  return error
    ? { ok: false, reason: `${error.path || 'message'} ${error.message}` }
    : { ok: true, value: parsed.value as T }
}

export const decodeWindow = (value: Buffer | undefined | null) => decodeAs<LiveWindow>(LiveWindow, value)
export const decodeAlert = (value: Buffer | undefined | null) => decodeAs<LiveAlert>(LiveAlert, value)
