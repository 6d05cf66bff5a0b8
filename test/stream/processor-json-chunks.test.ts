import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { COLUMN_NAMES } from '../../src/contract/columns.ts'
import type { LineBlock } from '../../src/dataset/csv-lines.ts'
import { chunkMessages, jsonChunks } from '../../src/stream/processor-json-chunks.ts'

const LINE = 'AquaCity,Flying Car,Solar Flare,Recession,Wednesday,2,118.8000,0,0,143.5682,0.3208'
/** Valid, but not in the data set's own form: the full decoder writes it. */
const UNUSUAL = LINE.replace(',2,', ',02,').replace('118.8000', '1.188e2')

/** The lines in blocks of `perBlock`, numbered from line 2 as after a header. */
async function* blocks(lines: string[], perBlock: number): AsyncGenerator<LineBlock> {
  for (let i = 0; i < lines.length; i += perBlock) {
    yield { bytes: Buffer.from(`${lines.slice(i, i + perBlock).join('\n')}\n`), lineNumber: i + 2 }
  }
}

async function collect(lines: string[], chunkRows: number, limit?: number) {
  const chunks = []
  for await (const chunk of jsonChunks(blocks(lines, 4), { chunkRows, limit })) chunks.push(chunk)
  return chunks
}

describe('JSON chunk processor', () => {
  it('packs JSON messages into chunks of the requested size, each message a slice of one buffer', async () => {
    const chunks = await collect(Array(7).fill(LINE), 3)
    assert.deepEqual(
      chunks.map((c) => c.ends.length),
      [3, 3, 1],
    )
    const messages = chunks.flatMap(chunkMessages).map((m) => JSON.parse(m.toString()))
    assert.equal(messages.length, 7)
    assert.deepEqual(Object.keys(messages[0]), COLUMN_NAMES)
    assert.equal(messages[0].Speed, 118.8)
  })

  it('writes valid rows in any form the same way, and grows a chunk past its first size guess', async () => {
    const long = LINE.replace('118.8000', `118.8${'0'.repeat(400)}`)
    const chunks = await collect([LINE, UNUSUAL, long, ...Array(30).fill(long)], 40)
    const messages = chunks.flatMap(chunkMessages).map((m) => m.toString())
    assert.equal(messages.length, 33)
    assert.equal(new Set(messages).size, 1)
  })

  it('carries rejected rows with their line number, skips blank lines, and stops after the limit of data rows', async () => {
    const lines = [
      LINE,
      'Atlantis,1,2',
      '',
      LINE,
      LINE,
      LINE.replace('Wednesday', 'Someday'),
      LINE,
      LINE,
      LINE,
    ]
    const chunks = await collect(lines, 100, 7)
    assert.equal(chunks.length, 1)
    assert.deepEqual(
      chunks[0]?.rejects.map((r) => [r.lineNumber, r.line]),
      [
        [3, 'Atlantis,1,2'],
        [7, lines[5]],
      ],
    )
    assert.match(chunks[0]?.rejects[1]?.reason ?? '', /Day Of Week must be one of/)
    assert.equal(chunks[0]?.ends.length, 5)
  })
})
