// Which running process is ours. A PID alone proves nothing: after a crash or a reboot the number can belong to
// any program, even one whose command line happens to contain `kafka.Kafka`. So a PID file records the PID with
// the process's start time, and our JVMs carry a mark naming their engine folder; a process is ours only when
// it is alive, started at the recorded time and carries the mark.
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What a PID file records: enough to recognise the same process later, not just the same number. */
export interface ProcessRecord {
  pid: number
  /** Opaque start time (clock ticks since boot from /proc, or `ps`'s lstart); equal only for the same process. */
  started: string
}

export type Ownership = 'ours' | 'stranger' | 'gone' | 'unverifiable'

interface ProcessFacts {
  started: string
  /** True when one whole argument of the command line equals `arg`. */
  hasArgument(arg: string): boolean
}

/** The JVM option that marks a process as the engine kept in `dir` (one engine per folder). */
export function ownerMark(dir: string): string {
  return `-Durban-traffic.engine=${dir}`
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

const hasProcfs = (): boolean => existsSync('/proc/self/stat')

async function procfsFacts(pid: number): Promise<ProcessFacts | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
    // Field 2 (the name) may hold spaces and parentheses: fields are counted from after its last ')'.
    // There, index 0 is field 3, so the start time (field 22) is index 19.
    const started = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .at(19)
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8')
    // Arguments are NUL-terminated.
    const hasArgument = (arg: string) => `\0${cmdline}`.includes(`\0${arg}\0`)
    return started ? { started, hasArgument } : undefined
  } catch {
    return undefined // exited meanwhile
  }
}

/** Without /proc (macOS, BSD): `ps` gives the start time and the command line (arguments joined by spaces). */
async function psFacts(pid: number): Promise<ProcessFacts | undefined> {
  try {
    const [started, args] = await Promise.all(
      ['lstart=', 'args='].map(async (field) => {
        const { stdout } = await run('ps', ['-ww', '-o', field, '-p', String(pid)])
        return stdout.trim()
      }),
    )
    const hasArgument = (arg: string) => ` ${args} `.includes(` ${arg} `)
    return started && args ? { started, hasArgument } : undefined
  } catch {
    return undefined
  }
}

async function facts(pid: number): Promise<ProcessFacts | 'unverifiable' | undefined> {
  if (hasProcfs()) return procfsFacts(pid)
  return (await psFacts(pid)) ?? 'unverifiable'
}

/**
 * The record to write into a PID file for a process we just started; undefined when it already exited. Where
 * nothing can tell start times, the record holds none and the process can never be proved ours.
 */
export async function recordOf(pid: number): Promise<ProcessRecord | undefined> {
  const found = await facts(pid)
  if (found === undefined) return undefined
  return { pid, started: found === 'unverifiable' ? '' : found.started }
}

/** Whether the recorded process still runs (and, given a `mark`, is the one marked with it). */
export async function ownership(record: ProcessRecord, mark?: string): Promise<Ownership> {
  if (!isAlive(record.pid)) return 'gone'
  const found = await facts(record.pid)
  if (found === 'unverifiable') return 'unverifiable'
  if (found === undefined) return isAlive(record.pid) ? 'stranger' : 'gone'
  const marked = mark === undefined || found.hasArgument(mark)
  return found.started === record.started && marked ? 'ours' : 'stranger'
}
