// What `traffic up` has already done, so a second run skips it. Each stage records the fingerprint of its
// input; a stage is done only while that fingerprint still matches (a new data set redoes everything after it).
import { existsSync } from 'node:fs'
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface PipelineState {
  dataset?: { fingerprint: string; rows: number; generated: boolean }
  produced?: { dataset: string; rows: number; rejected: number }
  consumed?: { dataset: string; rows: number; files: number }
  trained?: { batches: string }
}

export function stateFile(stateDir: string, topic: string): string {
  return path.join(stateDir, 'pipeline', `${topic}.json`)
}

export async function readState(file: string): Promise<PipelineState> {
  if (!existsSync(file)) return {}
  try {
    return JSON.parse(await readFile(file, 'utf8')) as PipelineState
  } catch {
    return {} // unreadable: redo everything, which is always safe
  }
}

export async function writeState(file: string, state: PipelineState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`)
  await rename(`${file}.tmp`, file)
}

/** Size and modification time: cheap, and enough to notice a replaced data set. */
export async function fileFingerprint(file: string): Promise<string> {
  const info = await stat(file)
  return `${info.size}:${Math.trunc(info.mtimeMs)}`
}
