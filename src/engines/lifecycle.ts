// Start, stop and inspect the local engines. Engines that the configuration points elsewhere
// (KAFKA_BROKERS, SPARK_REMOTE) are never started or stopped here, only checked.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Config } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { redactSparkRemote } from '../spark/index.ts'
import { redactSecrets, shownCommandLine } from './command-line.ts'
import { fetchEngines } from './fetch.ts'
import { kafkaAnswers, kafkaEngine } from './kafka.ts'
import type { LocalEngine, ToolRunner } from './local-engine.ts'
import {
  forgetProcess,
  portInUse,
  type RecordedProcess,
  recordedProcess,
  spawnDetached,
  stopProcess,
  waitUntilHealthy,
} from './process.ts'
import { ownerMark } from './process-identity.ts'
import { s3aEngines } from './s3a.ts'
import { sparkEngine } from './spark.ts'

const run = promisify(execFile)

export interface EngineStatus {
  name: string
  version: string
  endpoint: string
  /** Local engines only: the PID, or undefined when not running. */
  pid?: number
  local: boolean
  healthy: boolean
  logFile?: string
  /**
   * How the engine got into this state during this call. `stale`: the PID file names a process that is not ours
   * (never signalled); `unverified`: no /proc and no `ps` to check the PID with, so it is left alone.
   */
  action?:
    | 'started'
    | 'already running'
    | 'running'
    | 'stopped'
    | 'killed'
    | 'not running'
    | 'stale'
    | 'unverified'
    | 'external'
  startSeconds?: number
  /** Why a stale or unverified PID file was left alone, naming the PID. */
  note?: string
}

export function localEngines(config: Config): LocalEngine[] {
  const engines = []
  if (config.kafka.local) engines.push(kafkaEngine(config))
  if (config.spark.local) engines.push(sparkEngine(config))
  return engines
}

function externalStatuses(config: Config): EngineStatus[] {
  const statuses: EngineStatus[] = []
  if (!config.kafka.local) {
    statuses.push({
      name: 'Kafka',
      version: '?',
      endpoint: config.kafka.brokers.join(','),
      local: false,
      healthy: false,
    })
  }
  if (!config.spark.local) {
    statuses.push({
      name: 'Spark Connect',
      version: '?',
      endpoint: redactSparkRemote(config.spark.remote),
      local: false,
      healthy: false,
    })
  }
  return statuses.map((s) => ({ ...s, action: 'external' }))
}

export const runTool: ToolRunner = async (description, command, args, secretEnv = {}) => {
  try {
    await run(command, args, { env: { ...process.env, ...secretEnv }, maxBuffer: 16 * 1024 * 1024 })
  } catch (error) {
    const { stdout, stderr, code } = error as { stdout?: string; stderr?: string; code?: unknown }
    const secrets = Object.values(secretEnv)
    // A number when the tool ran and failed; a system error code (e.g. ENOENT) when it could not start.
    const how = typeof code === 'number' ? `exit code ${code}` : String(code)
    const output = redactSecrets(`${stdout ?? ''}${stderr ?? ''}`.trim(), secrets)
    throw new TrafficError(
      'ENGINE_START_FAILED',
      `${description} failed (${how}): ${shownCommandLine(command, args, secrets)}${output ? `\n${output}` : ''}`,
    )
  }
}

/** Starts one engine (unless it is already running) and waits until it is healthy. */
export async function startEngine(engine: LocalEngine): Promise<EngineStatus> {
  const base = { name: engine.name, version: engine.version, endpoint: engine.endpoint, local: true }
  const mark = ownerMark(engine.dir)
  const existing = await recordedProcess(engine.files, mark)
  if (existing?.ownership === 'ours' && existing.pid !== undefined) {
    await waitUntilHealthy(engine.name, existing.pid, engine.files, engine.healthy, engine.startTimeoutMs)
    return {
      ...base,
      pid: existing.pid,
      healthy: true,
      logFile: engine.files.logFile,
      action: 'already running',
    }
  }
  // A stale record is dropped; an unverifiable one is kept, and its process (if ours) holds the ports checked next.
  if (existing?.ownership === 'stranger' || existing?.ownership === 'gone') await forgetProcess(engine.files)
  for (const { host, port } of engine.ports) {
    if (await portInUse(port, host)) {
      throw new TrafficError(
        'PORT_IN_USE',
        `${engine.name} cannot start: port ${port} on ${host} is already in use`,
        {
          hint:
            'stop the program that holds it (`ss -ltnp | grep :' +
            port +
            '`), or choose other ports with ' +
            'KAFKA_PORT / KAFKA_CONTROLLER_PORT / SPARK_CONNECT_PORT',
        },
      )
    }
  }
  const began = performance.now()
  await engine.prepare(runTool)
  const pid = await spawnDetached(engine.command(), engine.files, engine.dir, mark)
  await waitUntilHealthy(engine.name, pid, engine.files, engine.healthy, engine.startTimeoutMs)
  const startSeconds = (performance.now() - began) / 1000
  return { ...base, pid, healthy: true, logFile: engine.files.logFile, action: 'started', startSeconds }
}

/** Fetches (cached) and starts every local engine, in parallel; resolves when all are healthy. */
export async function startEngines(config: Config): Promise<EngineStatus[]> {
  const engines = localEngines(config)
  if (engines.length) await fetchEngines(config.engines.cacheDir, s3aEngines(config))
  const started = await Promise.all(engines.map(startEngine))
  return [...started, ...(await checkExternal(config))]
}

async function checkExternal(config: Config): Promise<EngineStatus[]> {
  const statuses = externalStatuses(config)
  for (const status of statuses) {
    status.healthy = await (status.name === 'Kafka'
      ? kafkaAnswers(config.kafka)
      : sparkEngine(config).healthy())
  }
  return statuses
}

/** Stops the local engines, except those named in `keep` (e.g. ones a developer had running before). */
export async function stopEngines(
  config: Config,
  keep: ReadonlySet<string> = new Set(),
): Promise<EngineStatus[]> {
  return Promise.all(
    localEngines(config)
      .filter((engine) => !keep.has(engine.name))
      .map(stopEngine),
  )
}

/** Stops one engine if it runs and is ours; never signals a process it cannot prove is ours. */
export async function stopEngine(engine: LocalEngine): Promise<EngineStatus> {
  const base = {
    name: engine.name,
    version: engine.version,
    endpoint: engine.endpoint,
    local: true,
    healthy: false,
  }
  const mark = ownerMark(engine.dir)
  const recorded = await recordedProcess(engine.files, mark)
  if (recorded?.ownership === 'ours' && recorded.pid !== undefined) {
    return { ...base, pid: recorded.pid, action: await stopProcess(recorded.pid, engine.files, mark) }
  }
  // A PID file naming someone else's process is dropped.
  if (recorded?.ownership === 'stranger' || recorded?.ownership === 'gone') await forgetProcess(engine.files)
  return { ...base, ...describeRecorded(recorded) }
}

/** The status of a PID file that does not name our running engine. */
function describeRecorded(recorded: RecordedProcess | undefined): Pick<EngineStatus, 'action' | 'note'> {
  const named = recorded?.pid === undefined ? 'no valid PID' : `process ${recorded.pid}`
  switch (recorded?.ownership) {
    case 'stranger':
      return { action: 'stale', note: `the PID file names ${named}, which is not this engine; left alone` }
    case 'unverifiable':
      return {
        action: 'unverified',
        note: `cannot check that ${named} is this engine (no /proc, no ps); left alone: stop it yourself if it is`,
      }
    default:
      return { action: 'not running' }
  }
}

/** Whether one engine runs, is ours and is healthy. */
export async function engineStatus(engine: LocalEngine): Promise<EngineStatus> {
  const recorded = await recordedProcess(engine.files, ownerMark(engine.dir))
  const ours = recorded?.ownership === 'ours'
  return {
    name: engine.name,
    version: engine.version,
    endpoint: engine.endpoint,
    local: true,
    healthy: ours && (await engine.healthy()),
    logFile: engine.files.logFile,
    ...(ours ? { pid: recorded.pid, action: 'running' } : describeRecorded(recorded)),
  }
}

export async function engineStatuses(config: Config): Promise<EngineStatus[]> {
  const local = await Promise.all(localEngines(config).map(engineStatus))
  return [...local, ...(await checkExternal(config))]
}
