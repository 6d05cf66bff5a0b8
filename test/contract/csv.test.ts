import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { TrafficRecord } from '../../src/contract/columns.ts'
import {
  CSV_HEADER,
  checkCsvHeader,
  decodeCsvLine,
  encodeCsvLine,
  splitCsvLine,
} from '../../src/contract/csv.ts'
import { formatFieldErrors } from '../../src/contract/validate.ts'
import { REAL_ROW } from '../fixtures/records.ts'

// The first rows of the real Kaggle file (docs/data.md).
const REAL_LINES = [
  'SolarisVille,Drone,Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241',
  'AquaCity,Flying Car,Solar Flare,Recession,Wednesday,2,118.8000,0,0,143.5682,0.3208',
  'Neuroburg,Autonomous Vehicle,Solar Flare,Recession,Wednesday,16,100.3904,0,0,91.2640,0.0415',
  'Ecoopolis,Drone,Clear,Booming,Thursday,8,76.8000,1,0,46.0753,0.1811',
  'AquaCity,Autonomous Vehicle,Solar Flare,Stable,Saturday,16,45.2176,0,0,40.1934,0.4544',
]

function decoded(line: string): TrafficRecord {
  const result = decodeCsvLine(line)
  assert.ok(result.ok, result.ok ? '' : formatFieldErrors(result.errors))
  return result.value
}

function rejection(line: string): string {
  const result = decodeCsvLine(line)
  assert.equal(result.ok, false)
  return result.ok ? '' : formatFieldErrors(result.errors)
}

describe('CSV codec', () => {
  it('has the exact header of the data set', () => {
    assert.equal(
      CSV_HEADER,
      'City,Vehicle Type,Weather,Economic Condition,Day Of Week,Hour Of Day,Speed,Is Peak Hour,Random Event Occurred,Energy Consumption,Traffic Density',
    )
  })

  it('decodes real rows into typed records', () => {
    assert.deepEqual(decoded(REAL_LINES[1] as string), REAL_ROW)
  })

  it('re-encodes real rows byte for byte (4 decimals for measures, integers for the rest)', () => {
    for (const line of REAL_LINES) assert.equal(encodeCsvLine(decoded(line)), line)
  })

  it('rounds measures to 4 decimals', () => {
    const record = { ...decoded(REAL_LINES[0] as string), Speed: 12.345678, 'Traffic Density': 0.1 }
    assert.match(encodeCsvLine(record), /,20,12\.3457,0,0,14\.7134,0\.1000$/)
  })

  it('rejects numbers that Number() would wrongly accept', () => {
    for (const text of ['', ' 7', '0x10', 'Infinity', '7a']) {
      assert.match(
        rejection(REAL_LINES[0]?.replace(',20,', `,${text},`) as string),
        /^Hour Of Day must be an integer 0–23 \(got ".*"\)$/,
      )
    }
  })

  it('names each bad field with the text it got', () => {
    const message = rejection('Atlantis,Drone,Snowy,Stable,Funday,20,-1,2,0,abc,0.5')
    assert.equal(
      message,
      [
        'City must be one of: AquaCity, Ecoopolis, MetropolisX, Neuroburg, SolarisVille, TechHaven (got "Atlantis")',
        'Day Of Week must be one of: Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday (got "Funday")',
        'Speed must be a finite number ≥ 0 (got "-1")',
        'Is Peak Hour must be 0 or 1 (got "2")',
        'Energy Consumption must be a finite number ≥ 0 (got "abc")',
      ].join('; '),
    )
  })

  it('rejects a wrong column count', () => {
    assert.equal(rejection('AquaCity,Drone,Snowy'), 'expected 11 columns, got 3')
    assert.equal(rejection(`${REAL_LINES[0]},extra`), 'expected 11 columns, got 12')
  })

  it('handles quoted fields and quotes what needs it', () => {
    assert.deepEqual(splitCsvLine('"a,b","say ""hi""",c'), ['a,b', 'say "hi"', 'c'])
    assert.deepEqual(splitCsvLine('"",x'), ['', 'x'])
    assert.equal(splitCsvLine('"open,x'), undefined)
    assert.equal(splitCsvLine('"a"b,x'), undefined)
    assert.equal(splitCsvLine('a"b,x'), undefined)
    assert.equal(rejection('"AquaCity,Drone'), 'the row has unbalanced or misplaced quotes')
    const quoted = '"SolarisVille","Drone",Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241'
    assert.equal(encodeCsvLine(decoded(quoted)), REAL_LINES[0])
    const odd = { ...decoded(REAL_LINES[0] as string), City: 'A, "B"' } as unknown as TrafficRecord
    assert.match(encodeCsvLine(odd), /^"A, ""B""",Drone,/)
  })

  it('explains a header mismatch', () => {
    assert.equal(checkCsvHeader(CSV_HEADER), undefined)
    assert.equal(checkCsvHeader(`\ufeff${CSV_HEADER}`), undefined)
    assert.match(
      checkCsvHeader(CSV_HEADER.replace('Weather', 'Wether')) as string,
      /^expected the header "City,.*Traffic Density"; column 3 should be "Weather", got "Wether"$/,
    )
    assert.match(checkCsvHeader('City,Vehicle Type') as string, /column 3 should be "Weather", got nothing$/)
    assert.match(checkCsvHeader(`${CSV_HEADER},Extra`) as string, /got 12 columns instead of 11$/)
  })
})
