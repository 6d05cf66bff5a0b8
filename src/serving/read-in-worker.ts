// Reads saved pipelines in a short-lived worker thread and hands back their plain data. The worker runs the
// TypeScript sources through tsx like the main thread does (a worker does not inherit registered loaders).
import { Worker } from 'node:worker_threads'
import { type ErrorCode, TrafficError } from '../errors.ts'
import type { PipelineData } from './pipeline-model.ts'

export type ReadOutcome =
  | { ok: true; data: PipelineData }
  | { ok: false; error: { code: ErrorCode; message: string; hint: string | undefined } }

const WORKER = new URL('./read-worker.ts', import.meta.url).href
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER)}) })`

/** One outcome per directory, in order; a pipeline that cannot be read is a TrafficError, not a rejection. */
export async function readPipelinesInWorker(
  dirs: readonly string[],
): Promise<(PipelineData | TrafficError)[]> {
  if (dirs.length === 0) return []
  const worker = new Worker(BOOTSTRAP, { eval: true })
  try {
    const outcomes = await new Promise<ReadOutcome[]>((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', (code) =>
        reject(new TrafficError('IO_ERROR', `the model reader thread exited (${code})`)),
      )
      worker.postMessage(dirs)
    })
    return outcomes.map((outcome) =>
      outcome.ok
        ? outcome.data
        : new TrafficError(outcome.error.code, outcome.error.message, { hint: outcome.error.hint }),
    )
  } finally {
    await worker.terminate()
  }
}
