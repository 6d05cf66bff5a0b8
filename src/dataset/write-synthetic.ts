// Writes a synthetic data set file: rows are encoded in large chunks and streamed to a temporary file next to the
// target, which is fsynced and renamed over it at the end, so readers never see a half-written data set.
import { mkdir, open, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { CSV_HEADER, encodeCsvLine } from '../contract/csv.ts'
import { TrafficError } from '../errors.ts'
import { createSyntheticSource } from './generator.ts'

/** Rows per write: ~1.6 MB, few enough system calls and little memory. */
const CHUNK_ROWS = 20_000

export interface WriteSyntheticOptions {
  rows: number
  seed: number
  /** Target file; its folder is created if needed. */
  out: string
  /** Called after each chunk with the number of rows written so far. */
  onProgress?: (rowsWritten: number) => void
}

export interface WriteSyntheticResult {
  path: string
  rows: number
  bytes: number
  seconds: number
}

export async function writeSyntheticCsv(options: WriteSyntheticOptions): Promise<WriteSyntheticResult> {
  const { rows, seed, out, onProgress } = options
  const started = performance.now()
  const target = path.resolve(out)
  const temporary = `${target}.${process.pid}.tmp`
  const nextRecord = createSyntheticSource(seed)
  let bytes = 0

  try {
    await mkdir(path.dirname(target), { recursive: true })
    const file = await open(temporary, 'w')
    try {
      bytes += (await file.write(`${CSV_HEADER}\n`)).bytesWritten
      for (let written = 0; written < rows; ) {
        const end = Math.min(rows, written + CHUNK_ROWS)
        let chunk = ''
        for (; written < end; written++) chunk += `${encodeCsvLine(nextRecord())}\n`
        bytes += (await file.write(chunk)).bytesWritten
        onProgress?.(written)
      }
      await file.sync()
    } finally {
      await file.close()
    }
    await rename(temporary, target)
  } catch (error) {
    // Best effort: the write error is the one worth reporting.
    await rm(temporary, { force: true }).catch(() => undefined)
    const reason = error instanceof Error ? error.message : String(error)
    throw new TrafficError('IO_ERROR', `Could not write the data set to ${target}: ${reason}`, {
      hint: 'Check that the folder is writable and the disk has ~100 MB free per 1.2 M rows, or choose --out.',
      cause: error,
    })
  }
  return { path: target, rows, bytes, seconds: (performance.now() - started) / 1000 }
}
