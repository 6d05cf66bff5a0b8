// The server-side Spark Connect session that owns the live queries. Its id is kept in the state dir so other
// processes (`traffic live status`, the API) can connect to the same session and see its queries.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { type RetryPolicy, SparkSession } from '../spark/index.ts'

/** The state dir's live folder: session file and query checkpoints. */
export function liveDir(config: Config): string {
  return path.join(config.engines.stateDir, 'live')
}

export function checkpointDir(config: Config): string {
  return path.join(liveDir(config), 'checkpoints')
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

/** Connects to the live session (the server creates it on first use, e.g. after a restart). */
export function connectLiveSession(
  config: Config,
  sessionId: string,
  retry?: RetryPolicy,
): Promise<SparkSession> {
  return SparkSession.connect(config.spark.remote, { sessionId, retry })
}
