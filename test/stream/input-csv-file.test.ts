import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CSV_HEADER } from '../../src/contract/csv.ts'
import { isTrafficError } from '../../src/errors.ts'
import { CsvFileInput } from '../../src/stream/input-csv-file.ts'
import { chunkMessages } from '../../src/stream/processor-json-chunks.ts'

const GOOD = 'SolarisVille,Drone,Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241'
let dir: string
before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'input-csv-'))
})
after(() => rm(dir, { recursive: true, force: true }))

async function readAll(file: string, chunkRows: number, limit?: number) {
  const input = new CsvFileInput(file, { chunkRows, limit })
  await input.connect()
  const chunks = []
  try {
    for (let chunk = await input.read(); chunk; chunk = await input.read()) chunks.push(chunk)
  } finally {
    await input.close()
  }
  return chunks
}

describe('CSV file input (worker thread)', () => {
  it('streams the rows of a file as JSON chunks, with rejected rows and their line numbers', async () => {
    const file = path.join(dir, 'mixed.csv')
    const lines = Array.from({ length: 25 }, (_, i) => (i === 10 ? 'Atlantis,1,2' : GOOD))
    await writeFile(file, `${CSV_HEADER}\n${lines.join('\n')}\n`)
    const chunks = await readAll(file, 10)
    assert.deepEqual(
      chunks.map((c) => c.ends.length),
      [10, 10, 4],
    )
    assert.deepEqual(
      chunks.flatMap((c) => c.rejects).map((r) => [r.lineNumber, r.line]),
      [[12, 'Atlantis,1,2']],
    )
    const [firstChunk] = chunks
    assert.ok(firstChunk)
    const first = JSON.parse(chunkMessages(firstChunk)[0]?.toString() ?? '')
    assert.equal(first.City, 'SolarisVille')
    assert.equal((await readAll(file, 10, 5))[0]?.ends.length, 5)
  })

  it('reports a missing file as the reader does, with its hint', async () => {
    await assert.rejects(readAll(path.join(dir, 'missing.csv'), 10), (error) => {
      assert.ok(isTrafficError(error, 'IO_ERROR'))
      assert.match(error.message, /No data set at/)
      assert.match(error.hint ?? '', /traffic generate/)
      return true
    })
  })
})
