import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { COLUMN_NAMES } from '../../src/contract/columns.ts'
import { decodeCsvLine } from '../../src/contract/csv.ts'
import type { CsvRow } from '../../src/dataset/csv-reader.ts'
import { chunkMessages, jsonChunks } from '../../src/stream/processor-json-chunks.ts'

const LINE = 'AquaCity,Flying Car,Solar Flare,Recession,Wednesday,2,118.8000,0,0,143.5682,0.3208'

async function* rows(count: number, badEvery = 0): AsyncGenerator<CsvRow> {
  for (let i = 0; i < count; i++) {
    const lineNumber = i + 2
    const decoded = decodeCsvLine(LINE)
    if ((badEvery && i % badEvery === 0) || !decoded.ok) {
      yield { ok: false, lineNumber, line: 'bad', errors: [], reason: 'bad row' }
    } else {
      yield { ok: true, lineNumber, record: decoded.value }
    }
  }
}

async function collect(source: AsyncGenerator<CsvRow>, chunkRows: number, limit?: number) {
  const chunks = []
  for await (const chunk of jsonChunks(source, { chunkRows, limit })) chunks.push(chunk)
  return chunks
}

describe('JSON chunk processor', () => {
  it('packs JSON messages into chunks of the requested size, each message a slice of one buffer', async () => {
    const chunks = await collect(rows(7), 3)
    assert.deepEqual(
      chunks.map((c) => c.ends.length),
      [3, 3, 1],
    )
    const messages = chunks.flatMap(chunkMessages).map((m) => JSON.parse(m.toString()))
    assert.equal(messages.length, 7)
    assert.deepEqual(Object.keys(messages[0]), COLUMN_NAMES)
    assert.equal(messages[0].Speed, 118.8)
  })

  it('carries rejected rows with their chunk, and stops after the limit of data rows', async () => {
    const chunks = await collect(rows(10, 4), 100, 9)
    assert.equal(chunks.length, 1)
    assert.deepEqual(
      chunks[0]?.rejects.map((r) => r.lineNumber),
      [2, 6, 10],
    )
    assert.equal(chunks[0]?.ends.length, 6)
  })
})
