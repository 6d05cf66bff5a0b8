// Worker thread of the CSV input: reads the file, validates rows and encodes JSON chunks (processor-json-chunks),
// so parsing runs on the second core while the main thread encodes and sends produce requests. It keeps at most
// the number of chunks the main thread has granted in flight, so a slow broker never fills memory.
import { parentPort, workerData } from 'node:worker_threads'
import { readLineBlocks } from '../dataset/csv-lines.ts'
import { isTrafficError } from '../errors.ts'
import type { CsvWorkerData, CsvWorkerMessage } from './input-csv-file.ts'
import { jsonChunks } from './processor-json-chunks.ts'

const port = parentPort
if (!port) throw new Error('csv-file-worker.ts runs as a worker thread')
const { file, chunkRows, limit, credits: initialCredits } = workerData as CsvWorkerData

let credits = initialCredits
let granted: (() => void) | undefined
port.on('message', (credit: number) => {
  credits += credit
  granted?.()
})

function post(message: CsvWorkerMessage, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(message, transfer)
}

try {
  for await (const chunk of jsonChunks(readLineBlocks(file), { chunkRows, limit })) {
    while (credits === 0) await new Promise<void>((resolve) => (granted = resolve))
    credits -= 1
    // Each chunk has an ArrayBuffer of its own (not Node's shared pool): it moves to the main thread, no copy.
    const { data, ends, rejects } = chunk
    post({ kind: 'chunk', data, ends, rejects }, [data.buffer as ArrayBuffer, ends.buffer as ArrayBuffer])
  }
  post({ kind: 'end' })
} catch (error) {
  post(
    isTrafficError(error)
      ? { kind: 'error', code: error.code, message: error.message, hint: error.hint }
      : { kind: 'error', code: 'IO_ERROR', message: error instanceof Error ? error.message : String(error) },
  )
}
port.close()
