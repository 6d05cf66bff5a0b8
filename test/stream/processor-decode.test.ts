import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeToCsvLine } from '../../src/stream/processor-decode.ts'
import { REAL_ROW } from '../fixtures/records.ts'

const GOOD = REAL_ROW

function reason(value: string | null): string {
  const decoded = decodeToCsvLine(value === null ? null : Buffer.from(value))
  assert.equal(decoded.ok, false)
  return decoded.ok ? '' : decoded.reason
}

describe('decode processor', () => {
  it('turns a JSON message into the CSV line of the data set (canonical order, 4 decimals)', () => {
    const shuffled = Object.fromEntries(Object.entries(GOOD).reverse())
    const line = 'AquaCity,Flying Car,Solar Flare,Recession,Wednesday,2,118.8000,0,0,143.5682,0.3208'
    for (const message of [JSON.stringify(GOOD), JSON.stringify({ ...shuffled, extra: 1 })]) {
      assert.deepEqual(decodeToCsvLine(Buffer.from(message)), { ok: true, line: Buffer.from(line) })
    }
  })

  it('says why a message cannot be a row', () => {
    assert.match(reason(null), /empty/)
    assert.match(reason(''), /empty/)
    assert.match(reason('not json'), /not valid JSON/)
    assert.match(reason('[1,2]'), /expected a JSON object/)
    const { Speed: _, ...missing } = GOOD
    assert.match(reason(JSON.stringify(missing)), /Speed is missing/)
    assert.match(reason(JSON.stringify({ ...GOOD, Speed: 'fast' })), /Speed must be a finite number/)
    assert.match(
      reason(JSON.stringify({ ...GOOD, 'Hour Of Day': 24 })),
      /Hour Of Day must be an integer 0–23/,
    )
    assert.match(reason(JSON.stringify({ ...GOOD, City: 'Atlantis' })), /City must be one of/)
  })

  it('keeps a valid row a live scenario made up out of the batch file, saying so', () => {
    assert.deepEqual(decodeToCsvLine(Buffer.from(JSON.stringify(GOOD)), 'jam:AquaCity'), {
      ok: false,
      scenario: 'jam:AquaCity',
      reason: 'made up by the live scenario jam:AquaCity: not training data',
    })
  })
})
