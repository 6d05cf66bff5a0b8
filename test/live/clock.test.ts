import assert from 'node:assert/strict'
import { test } from 'node:test'
import { dayHourOf, defaultClockStart, simulatedTime } from '../../src/live/clock.ts'

test('the default clock starts at the current hour', () => {
  assert.equal(
    defaultClockStart(new Date('2026-11-30T12:34:56.789Z')).toISOString(),
    '2026-11-30T12:00:00.000Z',
  )
})

test('row n happens clock × n / rate simulated seconds after the start', () => {
  const start = new Date('2026-11-30T12:00:00.000Z')
  // 500 rows/s at 360×: row 5,000 is 10 real seconds in, one simulated hour later.
  assert.equal(simulatedTime(start, 360, 500, 5_000).toISOString(), '2026-11-30T13:00:00.000Z')
  assert.equal(simulatedTime(start, 360, 500, 1).toISOString(), '2026-11-30T12:00:00.720Z')
})

test('an instant falls in its UTC Day Of Week and Hour Of Day', () => {
  assert.deepEqual(dayHourOf(new Date('2026-11-30T08:59:59.999Z')), { day: 'Monday', hour: 8 })
  assert.deepEqual(dayHourOf(new Date('2026-12-06T23:00:00.000Z')), { day: 'Sunday', hour: 23 })
})
