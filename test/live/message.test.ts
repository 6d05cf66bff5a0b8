import assert from 'node:assert/strict'
import { test } from 'node:test'
import { COLUMN_NAMES } from '../../src/contract/columns.ts'
import { encodeJsonMessage } from '../../src/contract/json.ts'
import { encodeLiveMessage } from '../../src/live/message.ts'
import { parseScenario } from '../../src/live/replay.ts'
import { decodeToCsvLine } from '../../src/stream/processor-decode.ts'
import { REAL_ROW } from '../fixtures/records.ts'

const TIME = new Date('2026-11-30T08:15:00.000Z')

test('a live message is the seed row, same keys and order, plus its event time in ISO-8601 UTC', () => {
  const message = JSON.parse(encodeLiveMessage(REAL_ROW, TIME))
  assert.deepEqual(Object.keys(message), [...COLUMN_NAMES, 'Event Time'])
  assert.equal(message['Event Time'], '2026-11-30T08:15:00.000Z')
  assert.deepEqual({ ...message, 'Event Time': undefined }, { ...REAL_ROW, 'Event Time': undefined })
})

test('the batch consumer writes a live message as the same 11-column line as a plain one', () => {
  const live = decodeToCsvLine(Buffer.from(encodeLiveMessage(REAL_ROW, TIME)))
  const plain = decodeToCsvLine(Buffer.from(encodeJsonMessage(REAL_ROW)))
  assert.ok(live.ok)
  assert.deepEqual(live, plain)
  assert.equal(live.line.toString().split(',').length, 11)
})

test('--scenario accepts jam:<City> and drift:<City> only', () => {
  assert.deepEqual(parseScenario('jam:TechHaven'), { kind: 'jam', city: 'TechHaven' })
  assert.deepEqual(parseScenario('drift:Neuroburg'), { kind: 'drift', city: 'Neuroburg' })
  assert.throws(
    () => parseScenario('jam:Atlantis'),
    /--scenario must be jam:<City> or drift:<City>, got "jam:Atlantis"/,
  )
  assert.throws(() => parseScenario('flood:AquaCity'), /--scenario must be jam:<City> or drift:<City>/)
  assert.throws(() => parseScenario('drift:AquaCity:now'), /--scenario must be jam:<City> or drift:<City>/)
})
