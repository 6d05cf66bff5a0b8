// `traffic cluster`: a local stand-in for real clusters, from the same cached jars. Three KRaft Kafka nodes (all
// voters, replication factor 3, min.insync.replicas 2, 6 partitions by default), optionally with a SASL_SSL client
// listener, and a Spark standalone cluster (master + 2 one-core workers) whose driver is the Spark Connect server.
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { redactSparkRemote } from '../spark/index.ts'
import { CLIENT_USER, clusterSecurity } from './cluster-security.ts'
import { type ClusterState, clusterStateFor, readClusterState } from './cluster-state.ts'
import { fetchEngines } from './fetch.ts'
import { type KafkaTopology, kafkaNodeEngine, kafkaUuid } from './kafka.ts'
import { type EngineStatus, engineStatus, runTool, startEngine, stopEngine } from './lifecycle.ts'
import type { LocalEngine } from './local-engine.ts'
import { s3aEngines } from './s3a.ts'
import { sparkEngine } from './spark.ts'
import { masterUrl, sparkMasterEngine, sparkWorkerEngine } from './spark-standalone.ts'

const NODES = [1, 2, 3]
const WORKERS = [1, 2]
export const CLUSTER_PARTITIONS = 6

export interface ClusterLayout {
  kafkaNodes: LocalEngine[]
  master: LocalEngine
  workers: LocalEngine[]
  connect: LocalEngine
  /** The variables that point the pipeline at this cluster, secrets hidden (they are in `envFile` only). */
  exports: Record<string, string>
  /** A 0600 file with every export, the password included. */
  envFile: string
  /** The Spark driver's web UI, whose /api/v1 lists the executors. */
  driverUi: string
}

function ports(base: number) {
  return {
    kafka: NODES.map((id) => ({ id, port: base + 91 + id, controllerPort: base + 191 + id })),
    master: { port: base + 77, uiPort: base + 80 },
    workerUi: (id: number) => base + 80 + id,
    connect: base + 2,
    driverUi: base + 40,
  }
}

/**
 * The engines of the cluster `state` describes; `up` (`create`) also writes cluster.env. Status and down of a
 * cluster never made leave no files behind.
 */
async function layout(config: Config, state: ClusterState, create = false): Promise<ClusterLayout> {
  const { dir, portBase } = config.cluster
  const { host } = config.engines
  const secrets = state.secure ? await clusterSecurity(path.join(dir, 'security'), host, runTool) : undefined
  const security = secrets?.kafka
  const p = ports(portBase)
  const topology: KafkaTopology = { nodes: p.kafka, clusterId: state.clusterId, security }
  const kafkaNodes = p.kafka.map((node) =>
    kafkaNodeEngine(config, topology, node, path.join(dir, `kafka-${node.id}`)),
  )
  const sparkDir = path.join(dir, 'spark')
  const master = sparkMasterEngine(config, p.master, path.join(sparkDir, 'master'))
  const workers = WORKERS.map((id) =>
    sparkWorkerEngine(
      config,
      p.master,
      { id, uiPort: p.workerUi(id), cores: 1, memory: '1g' },
      path.join(sparkDir, `worker-${id}`),
    ),
  )
  // Over loopback the token travels without TLS (the Spark Connect server has no TLS of its own).
  const remote = `sc://${host}:${p.connect}${secrets ? `/;token=${secrets.sparkToken};use_ssl=false` : ''}`
  const connect = sparkEngine(
    {
      ...config,
      engines: { ...config.engines, stateDir: sparkDir },
      spark: { ...config.spark, remote, port: p.connect, driverMemory: '2g' },
    },
    {
      master: masterUrl(host, p.master),
      uiPort: p.driverUi,
      executorMemory: '768m',
      token: secrets?.sparkToken,
    },
  )
  const exports: Record<string, string> = {
    KAFKA_BROKERS: p.kafka.map((n) => `${host}:${n.port}`).join(','),
    KAFKA_PARTITIONS: String(CLUSTER_PARTITIONS),
    SPARK_REMOTE: redactSparkRemote(remote),
    ...(security
      ? {
          KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
          KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
          KAFKA_SASL_USERNAME: CLIENT_USER,
          KAFKA_SSL_CA_FILE: security.caFile,
        }
      : {}),
  }
  const envFile = path.join(dir, 'cluster.env')
  const hidden = security ? { KAFKA_SASL_PASSWORD: security.client.password, SPARK_REMOTE: remote } : {}
  const lines = Object.entries({ ...exports, ...hidden }).map(([k, v]) => `export ${k}='${v}'`)
  if (create) await writeFile(envFile, `${lines.join('\n')}\n`, { mode: 0o600 })
  return {
    kafkaNodes,
    master,
    workers,
    connect,
    exports,
    envFile,
    driverUi: `http://${host}:${p.driverUi}`,
  }
}

/** The layout of the cluster made in the configured folder (of a plain one with a new id when none was made). */
async function existingLayout(config: Config): Promise<ClusterLayout> {
  const state = await readClusterState(config.cluster.dir)
  return layout(config, state ?? { clusterId: kafkaUuid(), secure: false })
}

/**
 * Starts what is not running yet: the Kafka nodes together (a quorum needs its voters), and meanwhile the Spark
 * master, then its workers and the driver together (the driver's application waits for the workers' executors).
 * Resolves when all are healthy. A cluster keeps the mode (`secure` or not) it was made with; `rebuild` first stops
 * and deletes the existing one (topics, data, secrets) to make it anew.
 */
export async function clusterUp(
  config: Config,
  { secure, rebuild }: { secure: boolean; rebuild: boolean },
): Promise<{ layout: ClusterLayout; statuses: EngineStatus[] }> {
  if (rebuild) {
    await clusterDown(config)
    await rm(config.cluster.dir, { recursive: true, force: true })
  }
  const state = await clusterStateFor(config.cluster.dir, secure)
  await fetchEngines(config.engines.cacheDir, s3aEngines(config))
  const cluster = await layout(config, state, true)
  const spark = async () => {
    const master = await startEngine(cluster.master)
    return [master, ...(await Promise.all([...cluster.workers, cluster.connect].map(startEngine)))]
  }
  const [kafka, sparkStatuses] = await Promise.all([
    Promise.all(cluster.kafkaNodes.map(startEngine)),
    spark(),
  ])
  return { layout: cluster, statuses: [...kafka, ...sparkStatuses] }
}

/** Stops the driver first (so no executor is relaunched), then the workers, the master and the Kafka nodes. */
export async function clusterDown(config: Config): Promise<EngineStatus[]> {
  const cluster = await existingLayout(config)
  const connect = await stopEngine(cluster.connect)
  const workers = await Promise.all(cluster.workers.map(stopEngine))
  const master = await stopEngine(cluster.master)
  const kafka = await Promise.all(cluster.kafkaNodes.map(stopEngine))
  return [...kafka, master, ...workers, connect]
}

export async function clusterStatus(
  config: Config,
): Promise<{ layout: ClusterLayout; statuses: EngineStatus[] }> {
  const cluster = await existingLayout(config)
  const engines = [...cluster.kafkaNodes, cluster.master, ...cluster.workers, cluster.connect]
  return { layout: cluster, statuses: await Promise.all(engines.map(engineStatus)) }
}
