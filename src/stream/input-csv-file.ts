// Input stage of the producer: a traffic CSV file, streamed (never whole in memory) by a worker thread that also
// validates the rows and encodes them as JSON chunks; rejected rows travel with their chunk, line number and
// reason included. Lifecycle: connect (start the worker) → read (next chunk) → close (stop it).
import type { Worker } from 'node:worker_threads'
import { type ErrorCode, TrafficError } from '../errors.ts'
import { startTypeScriptWorker } from '../worker-thread.ts'
import type { Reject } from './output-rejects.ts'
import type { JsonChunk } from './processor-json-chunks.ts'

export interface CsvWorkerData {
  file: string
  chunkRows: number
  limit: number | undefined
  /** Chunks the worker may send before the first one is read. */
  credits: number
}

export type CsvWorkerMessage =
  | { kind: 'chunk'; data: Uint8Array; ends: Uint32Array; rejects: Reject[] }
  | { kind: 'end' }
  | { kind: 'error'; code: ErrorCode; message: string; hint?: string | undefined }

const WORKER = new URL('./csv-file-worker.ts', import.meta.url)

export interface CsvFileInputOptions {
  chunkRows: number
  limit?: number
}

export class CsvFileInput {
  readonly #data: CsvWorkerData
  #worker: Worker | undefined
  readonly #queue: CsvWorkerMessage[] = []
  #waiting: (() => void) | undefined
  #failure: Error | undefined
  #ended = false

  constructor(file: string, options: CsvFileInputOptions) {
    this.#data = { file, chunkRows: options.chunkRows, limit: options.limit, credits: 3 }
  }

  async connect(): Promise<void> {
    const worker = startTypeScriptWorker(WORKER, { workerData: this.#data })
    this.#worker = worker
    const wake = () => {
      this.#waiting?.()
      this.#waiting = undefined
    }
    worker.on('message', (message: CsvWorkerMessage) => {
      this.#queue.push(message)
      wake()
    })
    worker.on('error', (error) => {
      this.#failure = error
      wake()
    })
    worker.on('exit', () => {
      this.#ended = true
      wake()
    })
  }

  /** The next chunk, or undefined at the end of the file. */
  async read(): Promise<JsonChunk | undefined> {
    for (;;) {
      const message = this.#queue.shift()
      if (message?.kind === 'chunk') {
        this.#worker?.postMessage(1)
        const { data, ends, rejects } = message
        return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), ends, rejects }
      }
      if (message?.kind === 'end') return undefined
      if (message?.kind === 'error') {
        throw new TrafficError(message.code, message.message, { hint: message.hint })
      }
      if (this.#failure)
        throw new TrafficError('IO_ERROR', `reading the CSV failed: ${this.#failure.message}`)
      if (this.#ended) return undefined
      await new Promise<void>((resolve) => (this.#waiting = resolve))
    }
  }

  /** Stops reading (the end, a --limit, Ctrl+C) and the worker with it. */
  async close(): Promise<void> {
    await this.#worker?.terminate()
  }
}
