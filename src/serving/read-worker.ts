// Worker-thread entry: reads saved pipelines (Parquet decoding is CPU-heavy and synchronous) so the server's
// event loop keeps answering while models load. Started by readPipelinesInWorker.
import { parentPort } from 'node:worker_threads'
import { isTrafficError } from '../errors.ts'
import { readPipelineData } from './pipeline-model.ts'
import type { ReadOutcome } from './read-in-worker.ts'

parentPort?.on('message', async (dirs: string[]) => {
  const outcomes: ReadOutcome[] = []
  for (const dir of dirs) {
    try {
      outcomes.push({ ok: true, data: await readPipelineData(dir) })
    } catch (error) {
      const { message } = error as Error
      outcomes.push({
        ok: false,
        error: isTrafficError(error)
          ? { code: error.code, message, hint: error.hint }
          : { code: 'IO_ERROR', message, hint: undefined },
      })
    }
  }
  parentPort?.postMessage(outcomes)
})
