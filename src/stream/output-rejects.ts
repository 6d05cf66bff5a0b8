// Output stage: CSV rows the producer rejects, one JSON object per line ({"line", "reason", "text"}), so a run
// never stops on bad input and every rejected row can be found again. The file is only kept when something was
// rejected. Lifecycle: connect → write → close.
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import path from 'node:path'
import { finished } from 'node:stream/promises'

export interface Reject {
  lineNumber: number
  reason: string
  line: string
}

/** Where the rows rejected from `source` (a data set file, or a folder and topic name) go: JSON lines, so `.jsonl`. */
export function rejectsFileFor(source: string): string {
  return `${source}.rejects.jsonl`
}

export class RejectsFileOutput {
  readonly path: string
  #stream: WriteStream | undefined
  #count = 0

  constructor(file: string) {
    this.path = file
  }

  get count(): number {
    return this.#count
  }

  async connect(): Promise<void> {
    await mkdir(path.dirname(this.path), { recursive: true })
    // A rejects file from an earlier run would now be misleading.
    await rm(this.path, { force: true })
  }

  write(reject: Reject): void {
    this.#stream ??= createWriteStream(this.path)
    this.#stream.write(
      `${JSON.stringify({ line: reject.lineNumber, reason: reject.reason, text: reject.line })}\n`,
    )
    this.#count += 1
  }

  async close(): Promise<void> {
    if (!this.#stream) return
    this.#stream.end()
    await finished(this.#stream)
  }
}
