import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { COLUMN_NAMES } from '../../src/contract/columns.ts'
import { decodeCsvLine, encodeCsvLine } from '../../src/contract/csv.ts'
import { decodeJsonMessage, encodeDecodedRecord, encodeJsonMessage } from '../../src/contract/json.ts'
import { JSON_OVERHEAD_BYTES, transcodeCsvLine, transcodeJsonMessage } from '../../src/contract/transcode.ts'
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

/** The consumer's transcoder for a message: its CSV line, or undefined when it leaves it to the JSON codec. */
function transcodedMessage(message: string): string | undefined {
  const bytes = Buffer.from(message)
  const out = Buffer.alloc(bytes.length + 1, 0xff)
  const end = transcodeJsonMessage(bytes, 0, bytes.length, out, 0)
  if (end < 0) return undefined
  assert.equal(out[end], 0xff, 'writes nothing past the end it returns')
  return out.toString('utf8', 0, end)
}

/** What the consumer wrote before the transcoder: JSON.parse and validation, then the CSV codec. */
function parsedThenEncoded(message: string): string | undefined {
  const decoded = decodeJsonMessage(message)
  return decoded.ok ? encodeCsvLine(decoded.value) : undefined
}

/** JSON value texts near the edges of what the transcoder takes. */
const EDGE_VALUES = [
  '0',
  '1',
  '2',
  '23',
  '24',
  '00',
  '01',
  '-0',
  '-1',
  '1e2',
  '1E-2',
  '1.',
  '.5',
  '0.0',
  '0.10',
  '0.1234',
  '0.12345',
  '99.99995',
  '123456789.1234',
  '1234567890',
  '1.5.5',
  'true',
  'null',
  '"5"',
  '"Drone"',
  '"drone"',
  '"Car "',
  '"Flying Car"',
  '"AquaCity"',
  '"Aqua\\u0043ity"',
  '"Monday"',
  '"Stable"',
  '"Café"',
  '[]',
  '{}',
]

describe('JSON → CSV transcoder', () => {
  it('writes every message the producer sends exactly as parsing then the CSV codec does', () => {
    const next = createSyntheticSource(19)
    for (let i = 0; i < 20_000; i++) {
      const message = encodeJsonMessage(next())
      const line = transcodedMessage(message)
      assert.notEqual(line, undefined, message)
      assert.equal(line, parsedThenEncoded(message), message)
    }
  })

  it('on edited messages: the same line, or the message left to the JSON codec (never a different answer)', () => {
    const next = createSyntheticSource(20)
    const pick = random(21)
    const at = (length: number) => Math.floor(pick() * length)
    let taken = 0
    for (let i = 0; i < 30_000; i++) {
      const record = next() as unknown as Record<string, unknown>
      const values = COLUMN_NAMES.map((name) => JSON.stringify(record[name]))
      for (let c = 0; c < 1 + at(2); c++) {
        values[at(values.length)] =
          pick() < 0.7 ? (EDGE_VALUES[at(EDGE_VALUES.length)] as string) : String(pick() * 10 ** (at(12) - 4))
      }
      const members = COLUMN_NAMES.map((name, c) => `${JSON.stringify(name)}:${values[c]}`)
      const edit = pick()
      if (edit < 0.03) members.splice(at(members.length), 1)
      else if (edit < 0.06) members.push(members[at(members.length)] as string)
      else if (edit < 0.09) members.reverse()
      const message = edit > 0.97 ? `{ ${members.join(', ')} }` : `{${members.join(',')}}`
      const fast = transcodedMessage(message)
      if (fast === undefined) continue
      taken++
      assert.equal(fast, parsedThenEncoded(message), message)
    }
    assert.ok(taken > 800, `the transcoder took ${taken} of the edited messages`)
  })
})
