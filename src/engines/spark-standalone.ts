// A Spark standalone cluster from the same cached jars: one Master and Workers that launch executors. The
// Worker builds each executor's command from SPARK_HOME/jars, so SPARK_HOME is the cache folder that holds them.
import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import type { LocalEngine } from './local-engine.ts'
import { jarsDir, SPARK } from './manifest.ts'
import { javaBinary } from './prerequisites.ts'
import { s3aEnv, sparkUsesS3 } from './s3a.ts'
import { JAVA_MODULE_OPTIONS } from './spark.ts'

const DAEMON_HEAP = '-Xmx512m'

export interface StandaloneMaster {
  port: number
  uiPort: number
}

export interface StandaloneWorker {
  id: number
  uiPort: number
  cores: number
  memory: string
}

export function masterUrl(host: string, master: StandaloneMaster): string {
  return `spark://${host}:${master.port}`
}

/** What the master's web UI reports at /json/ (the fields used here). */
export interface MasterState {
  status: string
  workers: { id: string; webuiaddress: string; state: string; cores: number }[]
  activeapps: { id: string; name: string }[]
}

export async function masterState(host: string, master: StandaloneMaster): Promise<MasterState | undefined> {
  try {
    const response = await fetch(`http://${host}:${master.uiPort}/json/`, {
      signal: AbortSignal.timeout(2_000),
    })
    return response.ok ? ((await response.json()) as MasterState) : undefined
  } catch {
    return undefined
  }
}

function daemon(
  config: Config,
  dir: string,
  mainClass: string,
  args: string[],
  extraEnv: Record<string, string> = {},
) {
  const sparkHome = path.dirname(jarsDir(config.engines.cacheDir, SPARK))
  return {
    command: javaBinary(),
    env: {
      SPARK_HOME: sparkHome,
      SPARK_SCALA_VERSION: '2.13',
      SPARK_LOCAL_IP: config.engines.host,
      ...extraEnv,
    },
    args: [
      DAEMON_HEAP,
      ...JAVA_MODULE_OPTIONS,
      `-Dspark.local.dir=${path.join(dir, 'tmp')}`,
      '-cp',
      path.join(sparkHome, 'jars', '*'),
      mainClass,
      ...args,
    ],
  }
}

function engineFiles(dir: string, name: string) {
  return { pidFile: path.join(dir, `${name}.pid`), logFile: path.join(dir, `${name}.log`) }
}

export function sparkMasterEngine(config: Config, master: StandaloneMaster, dir: string): LocalEngine {
  const { host } = config.engines
  return {
    name: 'Spark master',
    version: SPARK.version,
    dir,
    ports: [
      { host, port: master.port },
      { host, port: master.uiPort },
    ],
    endpoint: masterUrl(host, master),
    files: engineFiles(dir, 'master'),
    startTimeoutMs: 60_000,
    prepare: async () => {
      await mkdir(path.join(dir, 'tmp'), { recursive: true })
    },
    command: () =>
      daemon(config, dir, 'org.apache.spark.deploy.master.Master', [
        '--host',
        host,
        '--port',
        String(master.port),
        '--webui-port',
        String(master.uiPort),
      ]),
    healthy: async () => (await masterState(host, master))?.status === 'ALIVE',
  }
}

export function sparkWorkerEngine(
  config: Config,
  master: StandaloneMaster,
  worker: StandaloneWorker,
  dir: string,
): LocalEngine {
  const { host } = config.engines
  const workDir = path.join(dir, 'work')
  return {
    name: `Spark worker ${worker.id}`,
    version: SPARK.version,
    dir,
    ports: [{ host, port: worker.uiPort }],
    endpoint: `http://${host}:${worker.uiPort}`,
    files: engineFiles(dir, 'worker'),
    startTimeoutMs: 60_000,
    prepare: async () => {
      await mkdir(path.join(dir, 'tmp'), { recursive: true })
      await mkdir(workDir, { recursive: true })
    },
    // Executors inherit their Worker's environment: how the S3 credentials reach them.
    command: () =>
      daemon(
        config,
        dir,
        'org.apache.spark.deploy.worker.Worker',
        [
          '--host',
          host,
          '--cores',
          String(worker.cores),
          '--memory',
          worker.memory,
          '--webui-port',
          String(worker.uiPort),
          '--work-dir',
          workDir,
          masterUrl(host, master),
        ],
        sparkUsesS3(config) ? s3aEnv(config.storage.s3) : {},
      ),
    /** Healthy once the master lists it as ALIVE. */
    healthy: async () =>
      (await masterState(host, master))?.workers.some(
        (w) => w.state === 'ALIVE' && w.webuiaddress.endsWith(`:${worker.uiPort}`),
      ) ?? false,
  }
}
