import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { decodeCsvLine, encodeCsvLine } from '../../src/contract/csv.ts'
import { JSON_OVERHEAD_BYTES, transcodeCsvLine } from '../../src/contract/csv-to-json.ts'
import { encodeDecodedRecord } from '../../src/contract/json.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { random } from '../serving/trees.ts'

/** The transcoder's answer for a line: its JSON text, or undefined when it leaves the line to the full decoder. */
function transcoded(line: string): string | undefined {
  const bytes = Buffer.from(`#${line}#`)
  const out = Buffer.alloc(bytes.length + JSON_OVERHEAD_BYTES + 3, 0xff)
  out[0] = 0x7b
  const end = transcodeCsvLine(bytes, 1, bytes.length - 1, out, 1)
  if (end < 0) return undefined
  assert.equal(out[end], 0xff, 'writes nothing past the end it returns')
  return out.toString('utf8', 1, end)
}

/** What the producer sent before the transcoder: the full decoder, then JSON.stringify. */
function decodedThenEncoded(line: string): string | undefined {
  const decoded = decodeCsvLine(line)
  return decoded.ok ? encodeDecodedRecord(decoded.value) : undefined
}

/** Field texts near the edges of what the transcoder takes. */
const EDGE_FIELDS = [
  '',
  '0',
  '1',
  '2',
  '9',
  '00',
  '01',
  '007',
  '23',
  '24',
  '99',
  '-0',
  '-1',
  '+1',
  '1e3',
  '1E-2',
  '1.',
  '.5',
  '0.0000',
  '0.0001',
  '0.000001',
  '0.0000001',
  '0.10',
  '118.8000',
  '123456789.123456',
  '1234567890',
  '123456789.1234567',
  '1.1234567',
  ' 5',
  '5 ',
  'Infinity',
  'NaN',
  '0x10',
  '0.5.5',
  '5,5',
  '"5"',
  '"Drone"',
  'Drone',
  'drone',
  'Car ',
  'Car',
  'Flying Car',
  'Café',
  'AquaCity',
  'Neuroburg',
  'Monday',
  'Stable',
  'Solar Flare',
  '٣',
  '1\u00a0',
]

describe('CSV → JSON transcoder', () => {
  it('writes every generated row exactly as decoding then JSON.stringify does', () => {
    const next = createSyntheticSource(16)
    for (let i = 0; i < 20_000; i++) {
      const line = encodeCsvLine(next())
      assert.equal(transcoded(line), decodedThenEncoded(line), line)
    }
  })

  it('on rows with edge fields: the same JSON, or the line left to the full decoder (never a different answer)', () => {
    const next = createSyntheticSource(17)
    const pick = random(18)
    let taken = 0
    for (let i = 0; i < 30_000; i++) {
      const fields = encodeCsvLine(next()).split(',')
      const changes = 1 + Math.floor(pick() * 2)
      for (let c = 0; c < changes; c++) {
        const column = Math.floor(pick() * fields.length)
        fields[column] =
          pick() < 0.7
            ? (EDGE_FIELDS[Math.floor(pick() * EDGE_FIELDS.length)] as string)
            : (pick() * 10 ** Math.floor(pick() * 12 - 4)).toFixed(Math.floor(pick() * 8))
      }
      if (pick() < 0.05) fields.splice(Math.floor(pick() * fields.length), 1)
      const line = fields.join(',')
      const fast = transcoded(line)
      if (fast === undefined) continue
      taken++
      assert.equal(fast, decodedThenEncoded(line), line)
    }
    assert.ok(taken > 2_000, `the transcoder took ${taken} of the edited rows`)
  })

  it('leaves invalid and unusual lines to the full decoder', () => {
    const good = 'SolarisVille,Drone,Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241'
    assert.equal(transcoded(good), decodedThenEncoded(good))
    for (const line of [
      good.replace('Drone', 'Submarine'),
      good.replace(',20,', ',24,'),
      good.replace(',0,0,', ',0,2,'),
      good.replace('29.4268', '-29.4268'),
      good.replace('29.4268', '2.9e1'),
      good.replace('29.4268', '29.42680001'),
      `${good},extra`,
      good.slice(0, good.lastIndexOf(',')),
      `"SolarisVille"${good.slice('SolarisVille'.length)}`,
    ]) {
      assert.equal(transcoded(line), undefined, line)
    }
  })
})
