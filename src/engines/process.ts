// Child JVM processes of the local engines: detached so they outlive `traffic engines start`, tracked by
// PID files (PID + start time, see process-identity.ts), logs in files, and stopped with SIGTERM then (after a
// grace period) SIGKILL.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { TrafficError } from '../errors.ts'
import { isAlive, type Ownership, ownership, type ProcessRecord, recordOf } from './process-identity.ts'

export interface ProcessFiles {
  pidFile: string
  logFile: string
}

/** The process a PID file names (pid undefined when the file holds no valid PID) and whether it is ours. */
export interface RecordedProcess {
  pid?: number
  ownership: Ownership
}

async function readRecord(pidFile: string): Promise<Partial<ProcessRecord> | undefined> {
  if (!existsSync(pidFile)) return undefined
  const text = (await readFile(pidFile, 'utf8')).trim()
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'number') return { pid: parsed } // a bare PID, as older versions wrote
    if (typeof parsed === 'object' && parsed !== null) return parsed as Partial<ProcessRecord>
  } catch {
    // falls through: no identity
  }
  return {}
}

export async function recordedProcess(
  files: ProcessFiles,
  mark: string,
): Promise<RecordedProcess | undefined> {
  const record = await readRecord(files.pidFile)
  if (record === undefined) return undefined
  const { pid, started } = record
  // A record without a start time cannot prove it is ours.
  if (pid === undefined || !Number.isInteger(pid)) return { ownership: 'stranger' }
  if (typeof started !== 'string') return { pid, ownership: 'stranger' }
  return { pid, ownership: await ownership({ pid, started }, mark) }
}

export async function forgetProcess(files: ProcessFiles): Promise<void> {
  await rm(files.pidFile, { force: true })
}

/**
 * What an engine must not inherit from the shell that starts it: a client's settings. With SPARK_REMOTE set (as
 * after `source cluster.env`), Spark's launcher builds a Spark Connect client's classpath, without spark-sql, for
 * every executor a standalone Worker starts, and those executors fail their first SQL task.
 */
function engineEnvironment(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { SPARK_REMOTE: _client, ...inherited } = process.env
  return { ...inherited, ...env }
}

/** Starts `command` detached, marked with `mark` (a JVM option, first), and records it in the PID file. */
export async function spawnDetached(
  { command, args, env }: { command: string; args: string[]; env?: Record<string, string> },
  files: ProcessFiles,
  cwd: string,
  mark: string,
): Promise<number> {
  await mkdir(cwd, { recursive: true })
  const log = openSync(files.logFile, 'a')
  const child = spawn(command, [mark, ...args], {
    cwd,
    env: engineEnvironment(env),
    detached: true,
    stdio: ['ignore', log, log],
  })
  closeSync(log)
  const pid = child.pid
  if (pid === undefined) throw new TrafficError('ENGINE_START_FAILED', `could not start ${command}`)
  child.unref()
  const record = await recordOf(pid)
  if (record === undefined) {
    throw new TrafficError('ENGINE_START_FAILED', `${command} exited at once (pid ${pid})`, {
      hint: `see its log: ${files.logFile}`,
    })
  }
  await writeFile(files.pidFile, `${JSON.stringify(record)}\n`)
  return pid
}

/**
 * SIGTERM, wait up to `graceMs` for a clean exit, then SIGKILL. Each signal goes only to a process that is still
 * ours: a PID freed during the wait may already belong to another program.
 */
export async function stopProcess(
  pid: number,
  files: ProcessFiles,
  mark: string,
  graceMs = 30_000,
): Promise<'stopped' | 'killed'> {
  process.kill(pid, 'SIGTERM')
  const stillOurs = async () => (await recordedProcess(files, mark))?.ownership === 'ours'
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline && (await stillOurs())) await sleep(200)
  let outcome: 'stopped' | 'killed' = 'stopped'
  if (await stillOurs()) {
    process.kill(pid, 'SIGKILL')
    outcome = 'killed'
  }
  await forgetProcess(files)
  return outcome
}

export function portInUse(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer()
    server.once('error', () => resolve(true))
    server.once('listening', () => server.close(() => resolve(false)))
    server.listen(port, host)
  })
}

export async function logTail(logFile: string, lines = 15): Promise<string> {
  if (!existsSync(logFile)) return ''
  return (await readFile(logFile, 'utf8')).trimEnd().split('\n').slice(-lines).join('\n')
}

/**
 * Polls `healthy` until it answers true; fails early with the log's tail if the process dies,
 * or after `timeoutMs`.
 */
export async function waitUntilHealthy(
  name: string,
  pid: number,
  files: ProcessFiles,
  healthy: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isAlive(pid)) {
      throw new TrafficError(
        'ENGINE_START_FAILED',
        `${name} exited during start-up:\n${await logTail(files.logFile)}`,
        {
          hint: `full log: ${files.logFile}`,
        },
      )
    }
    if (await healthy()) return
    await sleep(500)
  }
  throw new TrafficError(
    'ENGINE_START_FAILED',
    `${name} did not become healthy within ${timeoutMs / 1000} s`,
    {
      hint: `see its log: ${files.logFile}`,
      canRetry: true,
    },
  )
}
