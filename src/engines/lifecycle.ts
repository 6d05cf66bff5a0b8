// Start, stop and inspect the local engines. Engines that the configuration points elsewhere
// (KAFKA_BROKERS, SPARK_REMOTE) are never started or stopped here, only checked.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { Config } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { fetchEngines } from './fetch.ts'
import { kafkaEngine } from './kafka.ts'
import type { LocalEngine, ToolRunner } from './local-engine.ts'
import { portInUse, runningPid, spawnDetached, stopProcess, waitUntilHealthy } from './process.ts'
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
  /** How the engine got into this state during this call. */
  action?: 'started' | 'already running' | 'running' | 'stopped' | 'killed' | 'not running' | 'external'
  startSeconds?: number
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
      endpoint: config.spark.remote,
      local: false,
      healthy: false,
    })
  }
  return statuses.map((s) => ({ ...s, action: 'external' }))
}

const runTool: ToolRunner = async (description, command, args) => {
  try {
    await run(command, args, { maxBuffer: 16 * 1024 * 1024 })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string }
    const output = `${stdout ?? ''}${stderr ?? ''}`.trim() || (error as Error).message
    throw new TrafficError('ENGINE_START_FAILED', `${description} failed:\n${output}`)
  }
}

async function startOne(engine: LocalEngine): Promise<EngineStatus> {
  const base = { name: engine.name, version: engine.version, endpoint: engine.endpoint, local: true }
  const existing = await runningPid(engine.files, engine.mainClass)
  if (existing !== undefined) {
    await waitUntilHealthy(engine.name, existing, engine.files, engine.healthy, engine.startTimeoutMs)
    return { ...base, pid: existing, healthy: true, logFile: engine.files.logFile, action: 'already running' }
  }
  for (const port of engine.ports) {
    if (await portInUse(port)) {
      throw new TrafficError(
        'PORT_IN_USE',
        `${engine.name} cannot start: port ${port} on 127.0.0.1 is already in use`,
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
  const { command, args } = engine.command()
  const pid = await spawnDetached(command, args, engine.files, engine.dir)
  await waitUntilHealthy(engine.name, pid, engine.files, engine.healthy, engine.startTimeoutMs)
  const startSeconds = (performance.now() - began) / 1000
  return { ...base, pid, healthy: true, logFile: engine.files.logFile, action: 'started', startSeconds }
}

/** Fetches (cached) and starts every local engine, in parallel; resolves when all are healthy. */
export async function startEngines(config: Config): Promise<EngineStatus[]> {
  const engines = localEngines(config)
  if (engines.length) await fetchEngines(config.engines.cacheDir)
  const started = await Promise.all(engines.map(startOne))
  return [...started, ...(await checkExternal(config))]
}

async function checkExternal(config: Config): Promise<EngineStatus[]> {
  const statuses = externalStatuses(config)
  for (const status of statuses) {
    const probe = status.name === 'Kafka' ? kafkaEngine(config) : sparkEngine(config)
    status.healthy = await probe.healthy()
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
      .map(async (engine): Promise<EngineStatus> => {
        const base = {
          name: engine.name,
          version: engine.version,
          endpoint: engine.endpoint,
          local: true,
          healthy: false,
        }
        const pid = await runningPid(engine.files, engine.mainClass)
        if (pid === undefined) return { ...base, action: 'not running' }
        return { ...base, pid, action: await stopProcess(pid, engine.files) }
      }),
  )
}

export async function engineStatuses(config: Config): Promise<EngineStatus[]> {
  const local = await Promise.all(
    localEngines(config).map(async (engine): Promise<EngineStatus> => {
      const pid = await runningPid(engine.files, engine.mainClass)
      return {
        name: engine.name,
        version: engine.version,
        endpoint: engine.endpoint,
        local: true,
        healthy: pid !== undefined && (await engine.healthy()),
        logFile: engine.files.logFile,
        action: pid === undefined ? 'not running' : 'running',
        ...(pid === undefined ? {} : { pid }),
      }
    }),
  )
  return [...local, ...(await checkExternal(config))]
}
