import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { extractPinnedProtos } from '../../src/engines/spark-connect.ts'
import { extractSparkProtos } from '../../src/spark/protos.ts'

const empty = mkdtempSync(path.join(tmpdir(), 'spark-protos-unit-'))
after(() => rmSync(empty, { recursive: true, force: true }))

test('without the jar, the client says which jar is missing', () => {
  const jar = path.join(empty, 'spark-connect_2.13-4.2.0.jar')
  assert.throws(() => extractSparkProtos(jar, path.join(empty, 'out')), {
    code: 'JAR_MISSING',
    message: `The Spark Connect jar is missing: ${jar}`,
  })
})

test('without the pinned jar in the cache, the app says to fetch the engines', async () => {
  await assert.rejects(extractPinnedProtos(empty), {
    code: 'PREREQUISITE_MISSING',
    hint: 'run `traffic engines fetch`',
  })
})
