import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { extractSparkProtos } from '../../src/spark/protos.ts'

const empty = mkdtempSync(path.join(tmpdir(), 'spark-protos-unit-'))
after(() => rmSync(empty, { recursive: true, force: true }))

test('without the pinned jar, extraction says to fetch the engines', () => {
  assert.throws(() => extractSparkProtos(empty, path.join(empty, 'out')), {
    code: 'PREREQUISITE_MISSING',
    hint: 'run `traffic engines fetch`',
  })
})
