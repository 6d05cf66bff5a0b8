// The server-side Spark Connect session that owns the live queries. Its id is kept in the state dir so other
// processes (`traffic live status`, the API) can connect to the same session and see its queries.
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { connectSpark } from '../engines/spark-connect.ts'
import type { RetryPolicy, SparkSession } from '../spark/index.ts'

/** The live folder of the stream topic in the state dir: session file, clock and query checkpoints. */
export function liveDir(config: Config): string {
  return path.join(config.engines.stateDir, 'live', config.kafka.topic)
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

/**
 * The event-time watermark the live queries resume with: the latest one their checkpoints hold (each micro-batch's
 * offsets file carries `batchWatermarkMs` on its metadata line); undefined without checkpoints. Rows older than
 * it are dropped as late when the queries resume.
 */
export async function checkpointWatermark(config: Config): Promise<Date | undefined> {
  let latest: number | undefined
  const queries = await readdir(checkpointDir(config)).catch(() => [])
  for (const query of queries) {
    const offsets = path.join(checkpointDir(config), query, 'offsets')
    const batches = (await readdir(offsets).catch(() => [])).filter((name) => /^\d+$/.test(name))
    const last = batches.sort((a, b) => Number(a) - Number(b)).at(-1)
    if (last === undefined) continue
    for (const line of (await readFile(path.join(offsets, last), 'utf8')).split('\n')) {
      const watermark = line.startsWith('{')
        ? (JSON.parse(line) as { batchWatermarkMs?: unknown }).batchWatermarkMs
        : undefined
      if (typeof watermark === 'number' && watermark > (latest ?? 0)) latest = watermark
    }
  }
  return latest === undefined ? undefined : new Date(latest)
}

/** Forgets the live queries' state: their checkpoints and the saved clock (the next run starts them afresh). */
export async function resetLiveState(config: Config): Promise<void> {
  await rm(checkpointDir(config), { recursive: true, force: true })
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
