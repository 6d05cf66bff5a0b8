import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeAlert, decodeStreamRow, decodeWindow } from '../../../src/api/services/live-messages.ts'
import { REAL_ROW } from '../../fixtures/records.ts'

const json = (value: unknown) => Buffer.from(JSON.stringify(value))

test('a stream row is the 11 columns plus its simulated event time', () => {
  const decoded = decodeStreamRow(json({ ...REAL_ROW, 'Event Time': '2026-01-05T08:00:00Z' }))
  assert.deepEqual(decoded, { ok: true, value: { record: REAL_ROW, eventTime: '2026-01-05T08:00:00Z' } })
  assert.deepEqual(decodeStreamRow(json(REAL_ROW)), {
    ok: true,
    value: { record: REAL_ROW, eventTime: undefined },
  })
})

test('malformed stream rows are rejected with the reason', () => {
  const reason = (value: Buffer | undefined) => {
    const decoded = decodeStreamRow(value)
    return decoded.ok ? 'accepted' : decoded.reason
  }
  assert.equal(reason(undefined), 'empty message')
  assert.match(reason(Buffer.from('{"City"')), /^not valid JSON: /)
  assert.match(reason(json({ ...REAL_ROW, Speed: -1 })), /^Speed must be a finite number ≥ 0 \(got -1\)$/)
  assert.match(
    reason(json({ ...REAL_ROW, 'Event Time': 'yesterday' })),
    /Event Time must be an ISO-8601 time/,
  )
})

test('windows and alerts are checked against their contract', () => {
  const window = {
    city: 'AquaCity',
    window_start: '2026-01-05T08:00:00.000Z',
    window_end: '2026-01-05T09:00:00.000Z',
    rows: 12,
    mean_traffic_density: 0.3,
    mean_speed: 50,
    peak_share: 0.5,
    mean_energy_consumption: 40,
  }
  assert.deepEqual(decodeWindow(json(window)), { ok: true, value: window })
  const noTime = decodeWindow(json({ ...window, window_start: 'soon' }))
  assert.ok(!noTime.ok && /window_start/.test(noTime.reason))
  const missing = decodeAlert(json({ ...window }))
  assert.ok(!missing.ok && /expected/.test(missing.reason))
  const alert = { ...window, expected: 0.2, spread: 0.05, threshold: 0.25, z: 2, severity: 'low' }
  assert.deepEqual(decodeAlert(json(alert)), { ok: true, value: alert })
  const unknownSeverity = decodeAlert(json({ ...alert, severity: 'medium' }))
  assert.ok(!unknownSeverity.ok && /severity/.test(unknownSeverity.reason))
})
