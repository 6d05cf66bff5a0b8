import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { RejectsFileOutput, rejectsFileFor } from '../../src/stream/output-rejects.ts'

const dir = await mkdtemp(path.join(tmpdir(), 'rejects-'))
after(() => rm(dir, { recursive: true, force: true }))

test('the rejects file is named for what it holds: one JSON object per line', async () => {
  const file = rejectsFileFor(path.join(dir, 'urban_traffic_stream'))
  assert.equal(path.basename(file), 'urban_traffic_stream.rejects.jsonl')
  const output = new RejectsFileOutput(file)
  await output.connect()
  output.write({ lineNumber: 7, reason: 'Speed must be a number', line: 'a,"b, c",fast' })
  output.write({ lineNumber: 9, reason: 'wrong column count', line: 'x' })
  await output.close()
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\n')
  assert.deepEqual(
    lines.map((line) => JSON.parse(line)),
    [
      { line: 7, reason: 'Speed must be a number', text: 'a,"b, c",fast' },
      { line: 9, reason: 'wrong column count', text: 'x' },
    ],
  )
})
