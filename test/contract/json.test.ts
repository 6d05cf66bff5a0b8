import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TrafficRecord } from '../../src/contract/columns.ts'
import { decodeCsvLine } from '../../src/contract/csv.ts'
import { decodeJsonMessage, encodeDecodedRecord, encodeJsonMessage } from '../../src/contract/json.ts'

const RECORD: TrafficRecord = {
  City: 'Neuroburg',
  'Vehicle Type': 'Autonomous Vehicle',
  Weather: 'Solar Flare',
  'Economic Condition': 'Recession',
  'Day Of Week': 'Wednesday',
  'Hour Of Day': 16,
  Speed: 100.3904,
  'Is Peak Hour': 0,
  'Random Event Occurred': 0,
  'Energy Consumption': 91.264,
  'Traffic Density': 0.0415,
}

describe('JSON message codec', () => {
  it('writes the 11 columns as keys, in order, with numbers as JSON numbers', () => {
    assert.equal(
      encodeJsonMessage(RECORD),
      '{"City":"Neuroburg","Vehicle Type":"Autonomous Vehicle","Weather":"Solar Flare","Economic Condition":"Recession",' +
        '"Day Of Week":"Wednesday","Hour Of Day":16,"Speed":100.3904,"Is Peak Hour":0,"Random Event Occurred":0,' +
        '"Energy Consumption":91.264,"Traffic Density":0.0415}',
    )
  })

  it('leaves out keys that are not columns', () => {
    const withExtra = { ...RECORD, note: 'x' } as TrafficRecord
    assert.equal(JSON.parse(encodeJsonMessage(withExtra)).note, undefined)
  })

  it('round-trips from text and from bytes', () => {
    const text = encodeJsonMessage(RECORD)
    for (const message of [text, Buffer.from(text)]) {
      const result = decodeJsonMessage(message)
      assert.ok(result.ok)
      assert.deepEqual(result.value, RECORD)
    }
  })

  it('rejects invalid JSON and invalid fields with reasons', () => {
    const broken = decodeJsonMessage('{"City":')
    assert.ok(!broken.ok)
    assert.equal(broken.errors[0]?.field, null)
    assert.match(broken.errors[0]?.message ?? '', /^not valid JSON: .*\(got "\{\\"City\\":"\)$/)

    const bad = decodeJsonMessage(JSON.stringify({ ...RECORD, 'Hour Of Day': '16' }))
    assert.ok(!bad.ok)
    assert.deepEqual(bad.errors, [
      { field: 'Hour Of Day', message: 'must be an integer 0–23 (got a string "16")' },
    ])
  })
})

describe('JSON message of a decoded CSV row', () => {
  it('is the same text as encodeJsonMessage', () => {
    const decoded = decodeCsvLine(
      'Neuroburg,Autonomous Vehicle,Solar Flare,Recession,Wednesday,16,100.3904,0,0,91.2640,0.0415',
    )
    assert.ok(decoded.ok)
    assert.equal(encodeDecodedRecord(decoded.value), encodeJsonMessage(RECORD))
  })
})
