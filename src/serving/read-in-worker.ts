// Reads saved pipelines in a short-lived worker thread and hands back their plain data.
import { type ErrorCode, TrafficError } from '../errors.ts'
import { startTypeScriptWorker } from '../worker-thread.ts'
import type { PipelineData } from './pipeline-model.ts'

export type ReadOutcome =
  | { ok: true; data: PipelineData }
  | { ok: false; error: { code: ErrorCode; message: string; hint: string | undefined } }

const WORKER = new URL('./read-worker.ts', import.meta.url)

/** One outcome per directory, in order; a pipeline that cannot be read is a TrafficError, not a rejection. */
export async function readPipelinesInWorker(
  dirs: readonly string[],
): Promise<(PipelineData | TrafficError)[]> {
  if (dirs.length === 0) return []
  const worker = startTypeScriptWorker(WORKER)
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
