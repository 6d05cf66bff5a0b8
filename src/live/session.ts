// The server-side Spark Connect session that owns the live queries. Its id is kept in the state dir so other
// processes (`traffic live status`, the API) can connect to the same session and see its queries.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { connectSpark } from '../engines/spark-connect.ts'
import type { RetryPolicy, SparkSession } from '../spark/index.ts'
import { deleteCheckpoints } from './checkpoints.ts'

/** The live folder of the stream topic in the state dir: session file, clock (and, by default, the checkpoints). */
export function liveDir(config: Config): string {
  return path.join(config.engines.stateDir, 'live', config.kafka.topic)
}

function sessionFile(config: Config): string {
  return path.join(liveDir(config), 'session.json')
}

interface LiveSessionFile {
  sessionId: string
  pid: number
  startedAt: string
}

/** The live session's id, or undefined when no `traffic live` runs. */
export async function liveSessionId(config: Config): Promise<string | undefined> {
  const file = sessionFile(config)
  if (!existsSync(file)) return undefined
  try {
    return (JSON.parse(await readFile(file, 'utf8')) as LiveSessionFile).sessionId
  } catch {
    return undefined
  }
}

/** A new session id, recorded for the other processes. */
export async function recordLiveSession(config: Config): Promise<string> {
  const content: LiveSessionFile = {
    sessionId: randomUUID(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
  }
  await mkdir(liveDir(config), { recursive: true })
  await writeFile(sessionFile(config), `${JSON.stringify(content, null, 2)}\n`)
  return content.sessionId
}

export async function forgetLiveSession(config: Config): Promise<void> {
  await rm(sessionFile(config), { force: true })
}

function clockFile(config: Config): string {
  return path.join(liveDir(config), 'clock.json')
}

/**
 * Where the previous run's simulated clock stopped. A run resuming from the checkpoints must go on from there:
 * rows older than the queries' watermark would be dropped as late.
 */
export async function savedClock(config: Config): Promise<Date | undefined> {
  try {
    const { clock } = JSON.parse(await readFile(clockFile(config), 'utf8')) as { clock: string }
    const date = new Date(clock)
    return Number.isNaN(date.getTime()) ? undefined : date
  } catch {
    return undefined
  }
}

export async function saveClock(config: Config, clock: Date): Promise<void> {
  await mkdir(liveDir(config), { recursive: true })
  await writeFile(clockFile(config), `${JSON.stringify({ clock: clock.toISOString() })}\n`)
}

/** Forgets the live queries' state: their checkpoints and the saved clock (the next run starts them afresh). */
export async function resetLiveState(config: Config): Promise<void> {
  await deleteCheckpoints(config)
  await rm(clockFile(config), { force: true })
}

/** Connects to the live session (the server creates it on first use, e.g. after a restart). */
export function connectLiveSession(
  config: Config,
  sessionId: string,
  retry?: RetryPolicy,
): Promise<SparkSession> {
  return connectSpark(config, { sessionId, retry })
}
