// `traffic cluster`: a local stand-in for real clusters, from the same cached jars. Three KRaft Kafka nodes (all
// voters, replication factor 3, min.insync.replicas 2, 6 partitions by default), optionally with a SASL_SSL client
// listener, a Spark standalone cluster (master + 2 one-core workers) whose driver is the Spark Connect server,
// and S3Proxy, a real S3 server on loopback holding one bucket for the batches, the models and the checkpoints.
import { rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config, S3Settings } from '../config.ts'
import { redactSparkRemote } from '../spark/index.ts'
import { ensureBucket } from '../storage/s3-store.ts'
import { CLIENT_USER, clusterSecurity } from './cluster-security.ts'
import { type ClusterState, clusterStateFor, readClusterState } from './cluster-state.ts'
import { fetchEngines, OPTIONAL_ENGINES } from './fetch.ts'
import { type KafkaTopology, kafkaNodeEngine, kafkaUuid } from './kafka.ts'
import { type EngineStatus, engineStatus, runTool, startEngine, stopEngine } from './lifecycle.ts'
import type { LocalEngine } from './local-engine.ts'
import { S3PROXY_REGION, s3proxyClientSettings, s3proxyEngine } from './s3proxy.ts'
import { sparkEngine } from './spark.ts'
import { masterUrl, sparkMasterEngine, sparkWorkerEngine } from './spark-standalone.ts'

const NODES = [1, 2, 3]
const WORKERS = [1, 2]
export const CLUSTER_PARTITIONS = 6
/** The cluster's one bucket: `batches/`, `models/` and `live/` (the checkpoints) under it. */
export const CLUSTER_BUCKET = 'traffic'
/** Where cluster.env puts the batches, the models and the live checkpoints. */
const CLUSTER_LOCATIONS = {
  batches: `s3://${CLUSTER_BUCKET}/batches`,
  models: `s3://${CLUSTER_BUCKET}/models`,
  checkpoints: `s3://${CLUSTER_BUCKET}/live`,
}

export interface ClusterLayout {
  kafkaNodes: LocalEngine[]
  master: LocalEngine
  workers: LocalEngine[]
  connect: LocalEngine
  s3proxy: LocalEngine
  /** The variables that point the pipeline at this cluster, secrets hidden (they are in `envFile` only). */
  exports: Record<string, string>
  /** The variables only `envFile` holds: the password, the token, the S3 keys once S3Proxy made them. */
  hiddenExports: Record<string, string>
  /** A 0600 file with every export, the secrets included. */
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
    s3proxy: base + 433,
  }
}

/** The engines of the cluster `state` describes. Status and down of a cluster never made leave no files behind. */
async function layout(config: Config, state: ClusterState): Promise<ClusterLayout> {
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
  const s3proxy = s3proxyEngine(config, path.join(dir, 's3proxy'), p.s3proxy)
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
    AWS_ENDPOINT_URL_S3: s3proxy.endpoint,
    AWS_REGION: S3PROXY_REGION,
    TRAFFIC_BATCHES: CLUSTER_LOCATIONS.batches,
    TRAFFIC_MODELS: CLUSTER_LOCATIONS.models,
    TRAFFIC_CHECKPOINTS: CLUSTER_LOCATIONS.checkpoints,
  }
  const hiddenExports: Record<string, string> = security
    ? { KAFKA_SASL_PASSWORD: security.client.password, SPARK_REMOTE: remote }
    : {}
  return {
    kafkaNodes,
    master,
    workers,
    connect,
    s3proxy,
    exports,
    hiddenExports,
    envFile: path.join(dir, 'cluster.env'),
    driverUi: `http://${host}:${p.driverUi}`,
  }
}

/** The layout of the cluster made in the configured folder (of a plain one with a new id when none was made). */
async function existingLayout(config: Config): Promise<ClusterLayout> {
  const state = await readClusterState(config.cluster.dir)
  return layout(config, state ?? { clusterId: kafkaUuid(), secure: false })
}

/**
 * Once S3Proxy is up (its keys are made at its first start): the bucket, and cluster.env with every variable, the
 * secrets included, readable by its owner only.
 */
async function prepareStorage(config: Config, cluster: ClusterLayout): Promise<S3Settings> {
  const settings = await s3proxyClientSettings(
    cluster.s3proxy.dir,
    ports(config.cluster.portBase).s3proxy,
    config.storage.s3.requestTimeoutMs,
  )
  await ensureBucket(settings, CLUSTER_BUCKET)
  const keys = settings.credentials
  const variables = {
    ...cluster.exports,
    ...cluster.hiddenExports,
    ...(keys && { AWS_ACCESS_KEY_ID: keys.accessKeyId, AWS_SECRET_ACCESS_KEY: keys.secretAccessKey }),
  }
  const lines = Object.entries(variables).map(([k, v]) => `export ${k}='${v}'`)
  await writeFile(cluster.envFile, `${lines.join('\n')}\n`, { mode: 0o600 })
  return settings
}

/** The configuration of the cluster's Spark JVMs: every location on the cluster's bucket, reached with S3Proxy's keys. */
function onClusterStorage(config: Config, s3: S3Settings): Config {
  return { ...config, paths: { ...config.paths, ...CLUSTER_LOCATIONS }, storage: { ...config.storage, s3 } }
}

/**
 * Starts what is not running yet: the Kafka nodes together (a quorum needs its voters), and meanwhile the Spark
 * master, then its workers and the driver together (the driver's application waits for the workers' executors),
 * and S3Proxy with its bucket. Resolves when all are healthy. A cluster keeps the mode (`secure` or not) it was
 * made with; `rebuild` first stops and deletes the existing one (topics, data, objects, secrets) to make it anew.
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
  await fetchEngines(config.engines.cacheDir, OPTIONAL_ENGINES.s3)
  // S3Proxy first: its keys, made at its first start, are what the Spark JVMs read and write the bucket with.
  const storage = await layout(config, state)
  const s3proxy = await startEngine(storage.s3proxy)
  const cluster = await layout(onClusterStorage(config, await prepareStorage(config, storage)), state)
  const spark = async () => {
    const master = await startEngine(cluster.master)
    return [master, ...(await Promise.all([...cluster.workers, cluster.connect].map(startEngine)))]
  }
  const [kafka, sparkStatuses] = await Promise.all([
    Promise.all(cluster.kafkaNodes.map(startEngine)),
    spark(),
  ])
  return { layout: cluster, statuses: [...kafka, ...sparkStatuses, s3proxy] }
}

/**
 * Stops the driver first (so no executor is relaunched), then the workers, the master, the Kafka nodes, and
 * S3Proxy last (the driver may write its checkpoints there until it stops).
 */
export async function clusterDown(config: Config): Promise<EngineStatus[]> {
  const cluster = await existingLayout(config)
  const connect = await stopEngine(cluster.connect)
  const workers = await Promise.all(cluster.workers.map(stopEngine))
  const master = await stopEngine(cluster.master)
  const kafka = await Promise.all(cluster.kafkaNodes.map(stopEngine))
  const s3proxy = await stopEngine(cluster.s3proxy)
  return [...kafka, master, ...workers, connect, s3proxy]
}

export async function clusterStatus(
  config: Config,
): Promise<{ layout: ClusterLayout; statuses: EngineStatus[] }> {
  const cluster = await existingLayout(config)
  const engines = [
    ...cluster.kafkaNodes,
    cluster.master,
    ...cluster.workers,
    cluster.connect,
    cluster.s3proxy,
  ]
  return { layout: cluster, statuses: await Promise.all(engines.map(engineStatus)) }
}
