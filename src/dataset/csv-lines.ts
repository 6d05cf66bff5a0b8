// The lines of a traffic CSV file as bytes, read in large blocks of whole lines: the one place that opens the file,
// checks its header, counts line numbers, and knows what a line end and a blank line are. The row reader decodes
// each line to text; the producer turns the bytes of a line into JSON without making a string of it.
import type { FileHandle } from 'node:fs/promises'
import { open } from 'node:fs/promises'
import { CSV_HEADER, checkCsvHeader } from '../contract/csv.ts'
import { TrafficError } from '../errors.ts'

/** Whole lines of the file after its header. */
export interface LineBlock {
  bytes: Buffer
  /** The 1-based line number of the block's first line (the header being line 1). */
  lineNumber: number
}

const READ_BYTES = 1 << 20
const LINE_FEED = 0x0a
const CARRIAGE_RETURN = 0x0d

async function openDataset(file: string): Promise<FileHandle> {
  try {
    return await open(file, 'r')
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT'
    throw new TrafficError('IO_ERROR', missing ? `No data set at ${file}` : `Cannot read ${file}: ${error}`, {
      hint: missing
        ? 'Put the Kaggle file futuristic_city_traffic.csv there, or create a synthetic one with `traffic generate`.'
        : undefined,
      cause: error,
    })
  }
}

/** Where the line starting at `start` ends, its CR of a CRLF left out, and where the next one starts. */
function lineAt(bytes: Buffer, start: number): { end: number; next: number } {
  const newline = bytes.indexOf(LINE_FEED, start)
  const lineFeed = newline < 0 ? bytes.length : newline
  const end = lineFeed > start && bytes[lineFeed - 1] === CARRIAGE_RETURN ? lineFeed - 1 : lineFeed
  return { end, next: lineFeed + 1 }
}

function checkHeader(file: string, line: string): void {
  const problem = checkCsvHeader(line)
  if (problem) {
    throw new TrafficError('INVALID_INPUT', `${file} is not the traffic data set: ${problem}`, {
      hint: 'The first line must be the header, exactly as in futuristic_city_traffic.csv.',
    })
  }
}

function countLines(bytes: Buffer): number {
  let lines = 0
  for (let at = bytes.indexOf(LINE_FEED); at >= 0; at = bytes.indexOf(LINE_FEED, at + 1)) lines++
  return lines
}

/**
 * The data lines of `file` in blocks (a final line without line break included). Throws a TrafficError when the
 * file is missing, empty or has another header; CRLF and LF line ends and a UTF-8 byte order mark are accepted.
 */
export async function* readLineBlocks(file: string): AsyncGenerator<LineBlock> {
  const handle = await openDataset(file)
  try {
    let carry = Buffer.alloc(0)
    let lineNumber = 0
    for (;;) {
      const buffer = Buffer.allocUnsafe(carry.length + READ_BYTES)
      carry.copy(buffer)
      const { bytesRead } = await handle.read(buffer, carry.length, READ_BYTES, null)
      const filled = carry.length + bytesRead
      const final = bytesRead === 0
      const wholeLines = final ? filled : buffer.lastIndexOf(LINE_FEED, filled - 1) + 1
      carry = buffer.subarray(wholeLines, filled)
      let block = buffer.subarray(0, wholeLines)
      if (lineNumber === 0 && block.length > 0) {
        const { end, next } = lineAt(block, 0)
        checkHeader(file, block.toString('utf8', 0, end))
        lineNumber = 2
        block = block.subarray(Math.min(next, block.length))
      }
      if (block.length > 0) {
        yield { bytes: block, lineNumber }
        lineNumber += countLines(block)
      }
      if (final) break
    }
    if (lineNumber === 0) {
      throw new TrafficError('INVALID_INPUT', `${file} is empty`, {
        hint: `Its first line must be: ${CSV_HEADER}`,
      })
    }
  } finally {
    await handle.close()
  }
}

function isSpaceByte(byte: number): boolean {
  return byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)
}

/** Whether the line holds only white space (as String.prototype.trim sees it). */
function isBlank(bytes: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at++) {
    const byte = bytes[at] as number
    if (byte >= 0x80) return bytes.toString('utf8', start, end).trim() === ''
    if (!isSpaceByte(byte)) return false
  }
  return true
}

/** Calls `visit` with the bounds (line end left out) and number of every line of the block that is not blank. */
export function eachDataLine(
  block: LineBlock,
  visit: (start: number, end: number, lineNumber: number) => void,
): void {
  const { bytes } = block
  let lineNumber = block.lineNumber
  for (let start = 0; start < bytes.length; lineNumber++) {
    const { end, next } = lineAt(bytes, start)
    if (!isBlank(bytes, start, end)) visit(start, end, lineNumber)
    start = next
  }
}
