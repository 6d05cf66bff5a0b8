import assert from 'node:assert/strict'
import { once } from 'node:events'
import { test } from 'node:test'
import { startTypeScriptWorker } from '../src/worker-thread.ts'

test('a TypeScript module runs in a worker thread, with its workerData', async () => {
  const worker = startTypeScriptWorker(new URL('./fixtures/echo-worker.ts', import.meta.url), {
    workerData: [1, 2, 3],
  })
  try {
    const [answer] = await once(worker, 'message')
    assert.deepEqual(answer, [2, 4, 6])
  } finally {
    await worker.terminate()
  }
})
