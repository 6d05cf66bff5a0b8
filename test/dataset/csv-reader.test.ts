import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { type CsvRow, readTrafficCsv } from '../../src/dataset/csv-reader.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { isTrafficError } from '../../src/errors.ts'

const GOOD_1 = 'SolarisVille,Drone,Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241'
const GOOD_2 = 'AquaCity,Flying Car,Solar Flare,Recession,Wednesday,2,118.8000,0,0,143.5682,0.3208'
const GOOD_3 = 'Ecoopolis,Drone,Clear,Booming,Thursday,8,76.8000,1,0,46.0753,0.1811'

describe('readTrafficCsv', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'traffic-reader-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  async function fileWith(name: string, content: string): Promise<string> {
    const file = path.join(dir, name)
    await writeFile(file, content)
    return file
  }

  async function readAll(file: string): Promise<CsvRow[]> {
    const rows: CsvRow[] = []
    for await (const row of readTrafficCsv(file)) rows.push(row)
    return rows
  }

  it('parses good rows and reports bad ones with their line number and reason', async () => {
    const file = await fileWith(
      'mixed.csv',
      [
        CSV_HEADER, // 1
        GOOD_1, // 2
        '', // 3: blank, skipped
        'AquaCity,Drone,Snowy,Stable', // 4: too few columns
        `${GOOD_2}\r`, // 5: CRLF line end
        GOOD_1.replace('29.4268', 'fast'), // 6: bad number
        GOOD_1.replace('Snowy', 'Foggy'), // 7: bad category
        '   ', // 8: blank, skipped
        GOOD_1.replace(',20,', ',24,').replace(',0,0,', ',0,2,'), // 9: two bad fields
        GOOD_3, // 10: last line, no line break
      ].join('\n'),
    )
    const rows = await readAll(file)
    assert.deepEqual(
      rows.map((row) => [row.lineNumber, row.ok]),
      [
        [2, true],
        [4, false],
        [5, true],
        [6, false],
        [7, false],
        [9, false],
        [10, true],
      ],
    )
    const good = rows.flatMap((row) => (row.ok ? [row.record] : []))
    assert.deepEqual(good.map(encodeCsvLine), [GOOD_1, GOOD_2, GOOD_3])
    const bad = rows.flatMap((row) => (row.ok ? [] : [row]))
    assert.deepEqual(
      bad.map((row) => row.reason),
      [
        'expected 11 columns, got 4',
        'Speed must be a finite number ≥ 0 (got "fast")',
        'Weather must be one of: Clear, Rainy, Snowy, Solar Flare, Electromagnetic Storm (got "Foggy")',
        'Hour Of Day must be an integer 0–23 (got "24"); Random Event Occurred must be 0 or 1 (got "2")',
      ],
    )
    assert.equal(bad[0]?.line, 'AquaCity,Drone,Snowy,Stable')
    assert.deepEqual(
      bad[3]?.errors.map((error) => error.field),
      ['Hour Of Day', 'Random Event Occurred'],
    )
  })

  it('accepts CRLF files with a byte order mark', async () => {
    const file = await fileWith('crlf.csv', `\ufeff${CSV_HEADER}\r\n${GOOD_1}\r\n${GOOD_2}\r\n`)
    const rows = await readAll(file)
    assert.deepEqual(
      rows.map((row) => (row.ok ? encodeCsvLine(row.record) : row.reason)),
      [GOOD_1, GOOD_2],
    )
  })

  it('keeps line numbers right across read chunks (a file of several MB)', async () => {
    const next = createSyntheticSource(9)
    const lines = Array.from({ length: 40_000 }, () => encodeCsvLine(next()))
    lines[29_999] = 'broken'
    const file = await fileWith('big.csv', `${CSV_HEADER}\n${lines.join('\n')}\n`)
    let count = 0
    const failures: number[] = []
    for await (const row of readTrafficCsv(file)) {
      count++
      if (row.ok) assert.equal(encodeCsvLine(row.record), lines[row.lineNumber - 2])
      else failures.push(row.lineNumber)
    }
    assert.equal(count, 40_000)
    assert.deepEqual(failures, [30_001])
  })

  it('refuses a file whose header is not the data set header, saying which column differs', async () => {
    const file = await fileWith('renamed.csv', `${CSV_HEADER.replace('Speed', 'Velocity')}\n${GOOD_1}\n`)
    await assert.rejects(
      readAll(file),
      (error) =>
        isTrafficError(error, 'INVALID_INPUT') &&
        error.message.includes(file) &&
        error.message.includes('column 7 should be "Speed", got "Velocity"'),
    )
    const headless = await fileWith('headless.csv', `${GOOD_1}\n${GOOD_2}\n`)
    await assert.rejects(readAll(headless), /column 1 should be "City", got "SolarisVille"/)
  })

  it('refuses an empty file and explains a missing one', async () => {
    await assert.rejects(readAll(await fileWith('empty.csv', '')), (error) =>
      isTrafficError(error, 'INVALID_INPUT'),
    )
    await assert.rejects(
      readAll(path.join(dir, 'nope.csv')),
      (error) =>
        isTrafficError(error, 'IO_ERROR') && /No data set at .*nope\.csv/.test(error.message) && !!error.hint,
    )
  })

  it('reads a header-only file as no rows', async () => {
    assert.deepEqual(await readAll(await fileWith('header.csv', CSV_HEADER)), [])
  })
})
