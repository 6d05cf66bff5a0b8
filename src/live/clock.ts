// The city clock: simulated time runs `clock` simulated seconds per real second from a start instant. Each
// simulated instant falls in one Day Of Week and Hour Of Day (UTC), whose rows the replay sends then.
import { DAYS_OF_WEEK, type DayOfWeek } from '../contract/columns.ts'

const HOUR_MS = 3_600_000

/** The default start: the current time rounded down to the hour, so the replay begins with this hour's rows. */
export function defaultClockStart(now: Date = new Date()): Date {
  return new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS)
}

/** The simulated instant of the row sent `row` rows into a replay at `rate` rows per real second. */
export function simulatedTime(start: Date, clock: number, rate: number, row: number): Date {
  return new Date(start.getTime() + (row / rate) * clock * 1000)
}

export interface DayHour {
  day: DayOfWeek
  hour: number
}

/** Day Of Week and Hour Of Day of an instant, in UTC (Spark's windows are cut in UTC too). */
export function dayHourOf(time: Date): DayHour {
  // getUTCDay() counts from Sunday; DAYS_OF_WEEK from Monday.
  const day = DAYS_OF_WEEK[(time.getUTCDay() + 6) % 7] as DayOfWeek
  return { day, hour: time.getUTCHours() }
}

/** The start of the simulated hour after `time`. */
export function nextHour(time: Date): Date {
  return new Date((Math.floor(time.getTime() / HOUR_MS) + 1) * HOUR_MS)
}

export function addHours(time: Date, hours: number): Date {
  return new Date(time.getTime() + hours * HOUR_MS)
}
