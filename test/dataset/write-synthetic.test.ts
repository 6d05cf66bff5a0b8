import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { writeSyntheticCsv } from '../../src/dataset/write-synthetic.ts'
import { isTrafficError } from '../../src/errors.ts'

describe('writeSyntheticCsv', () => {
  let dir: string
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'traffic-generate-'))
  })
  after(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('writes the header and the generator rows, creating the folder, leaving no temporary file', async () => {
    const out = path.join(dir, 'nested', 'data.csv')
    const progress: number[] = []
    const result = await writeSyntheticCsv({
      rows: 45_000,
      seed: 3,
      out,
      onProgress: (n) => progress.push(n),
    })
    const text = await readFile(out, 'utf8')
    const next = createSyntheticSource(3)
    const expected = `${CSV_HEADER}\n${Array.from({ length: 45_000 }, () => `${encodeCsvLine(next())}\n`).join('')}`
    assert.equal(text, expected)
    assert.deepEqual(result, {
      path: out,
      rows: 45_000,
      bytes: Buffer.byteLength(expected),
      seconds: result.seconds,
    })
    assert.deepEqual(progress, [20_000, 40_000, 45_000])
    assert.deepEqual(await readdir(path.dirname(out)), ['data.csv'])
  })

  it('gives identical bytes for the same seed and different bytes for another seed', async () => {
    const write = async (name: string, seed: number) => {
      await writeSyntheticCsv({ rows: 5000, seed, out: path.join(dir, name) })
      return readFile(path.join(dir, name))
    }
    const first = await write('a.csv', 42)
    assert.deepEqual(await write('b.csv', 42), first)
    assert.notDeepEqual(await write('c.csv', 43), first)
  })

  it('replaces an existing file only once the new one is complete', async () => {
    const out = path.join(dir, 'replace.csv')
    await writeFile(out, 'old content\n')
    await writeSyntheticCsv({ rows: 10, seed: 1, out })
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n')
    assert.equal(lines[0], CSV_HEADER)
    assert.equal(lines.length, 11)
  })

  it('writes just the header for 0 rows', async () => {
    const out = path.join(dir, 'empty.csv')
    await writeSyntheticCsv({ rows: 0, seed: 1, out })
    assert.equal(await readFile(out, 'utf8'), `${CSV_HEADER}\n`)
  })

  it('fails with an IO_ERROR naming the target when it cannot write', async () => {
    const blocker = path.join(dir, 'a-file')
    await writeFile(blocker, '')
    const out = path.join(blocker, 'data.csv')
    await assert.rejects(
      writeSyntheticCsv({ rows: 10, seed: 1, out }),
      (error) => isTrafficError(error, 'IO_ERROR') && error.message.includes(out),
    )
  })
})
