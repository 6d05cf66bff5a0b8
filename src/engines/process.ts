// Child JVM processes of the local engines: detached so they outlive `traffic engines start`, tracked by
// PID files, logs in files, and stopped with SIGTERM then (after a grace period) SIGKILL.
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import net from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { TrafficError } from '../errors.ts'

export interface ProcessFiles {
  pidFile: string
  logFile: string
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** The PID recorded for an engine, only if that process still runs the engine's main class (not a reused PID). */
export async function runningPid(files: ProcessFiles, mainClass: string): Promise<number | undefined> {
  if (!existsSync(files.pidFile)) return undefined
  const pid = Number((await readFile(files.pidFile, 'utf8')).trim())
  if (!Number.isInteger(pid) || !isAlive(pid)) return undefined
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
    return cmdline.includes(mainClass) ? pid : undefined
  } catch {
    return pid // no /proc (macOS): trust the live PID
  }
}

export async function spawnDetached(
  command: string,
  args: string[],
  files: ProcessFiles,
  cwd: string,
): Promise<number> {
  await mkdir(cwd, { recursive: true })
  const log = openSync(files.logFile, 'a')
  const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', log, log] })
  closeSync(log)
  const pid = child.pid
  if (pid === undefined) throw new TrafficError('ENGINE_START_FAILED', `could not start ${command}`)
  child.unref()
  await writeFile(files.pidFile, `${pid}\n`)
  return pid
}

/** SIGTERM, wait up to `graceMs` for a clean exit, then SIGKILL. */
export async function stopProcess(
  pid: number,
  files: ProcessFiles,
  graceMs = 30_000,
): Promise<'stopped' | 'killed'> {
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (Date.now() < deadline) {
    if (!isAlive(pid)) break
    await sleep(200)
  }
  let outcome: 'stopped' | 'killed' = 'stopped'
  if (isAlive(pid)) {
    process.kill(pid, 'SIGKILL')
    outcome = 'killed'
  }
  await rm(files.pidFile, { force: true })
  return outcome
}

export function portInUse(port: number, host = '127.0.0.1'): Promise<boolean> {
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
