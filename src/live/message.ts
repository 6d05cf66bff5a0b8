// A live stream message: the seed's JSON row (the 11 columns, as `traffic produce` sends them) plus the
// simulated time it happened at, under one extra key. The batch consumer ignores keys outside the 11 columns,
// so live messages also land in the batch files with exactly the 11 columns.
import type { TrafficRecord } from '../contract/columns.ts'
import { encodeJsonMessage } from '../contract/json.ts'

export const EVENT_TIME_KEY = 'Event Time'

/** `{…11 columns…, "Event Time": "2026-11-30T08:00:00.000Z"}` (ISO-8601 UTC with milliseconds). */
export function encodeLiveMessage(record: TrafficRecord, eventTime: Date): string {
  const row = encodeJsonMessage(record)
  return `${row.slice(0, -1)},"${EVENT_TIME_KEY}":"${eventTime.toISOString()}"}`
}
