import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { readPipelineData } from '../../src/serving/pipeline-model.ts'
import { readPipelinesInWorker } from '../../src/serving/read-in-worker.ts'
import { assembler, writePipeline } from './metadata-files.ts'

const root = mkdtempSync(path.join(tmpdir(), 'read-in-worker-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('a worker thread reads pipelines into the same data as the caller thread, one outcome per folder', async () => {
  const good = writePipeline(root, 'good', [assembler('va_1'), assembler('va_2')])
  const unsupported = writePipeline(root, 'unsupported', [
    { uid: 'tok', class: 'org.apache.spark.ml.feature.Tokenizer' },
  ])
  const missing = path.join(root, 'missing')
  const [first, second, third] = await readPipelinesInWorker([good, unsupported, missing])
  assert.deepEqual(first, await readPipelineData(good))
  assert.ok(isTrafficError(second, 'MODEL_UNSUPPORTED'))
  assert.match(second.message, /Tokenizer/)
  assert.match(second.hint ?? '', /Supported stages/)
  assert.ok(isTrafficError(third, 'MODEL_NOT_FOUND'))
})

test('nothing to read starts no worker', async () => {
  assert.deepEqual(await readPipelinesInWorker([]), [])
})
