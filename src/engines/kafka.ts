// Apache Kafka nodes in KRaft mode, each both broker and controller, on loopback (by default): the single node of
// `traffic engines start`, or the nodes of `traffic cluster up` (optionally with a SASL_SSL client listener).
import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config, KafkaConfig } from '../config.ts'
import { javaQuoted } from '../java-quoted.ts'
import { jaasConfig } from '../stream/jaas.ts'
import { kafkaAdmin } from '../stream/kafka-clients.ts'
import type { LocalEngine } from './local-engine.ts'
import { jarsDir, KAFKA } from './manifest.ts'
import { javaBinary } from './prerequisites.ts'

const MAIN_CLASS = 'kafka.Kafka'

// Only this node talks to its controller: that port stays on loopback whatever address clients use.
const CONTROLLER_HOST = '127.0.0.1'

/** One KRaft node of a (possibly one-node) cluster: broker and controller in one process. */
export interface KafkaNode {
  id: number
  port: number
  controllerPort: number
}

/** Credentials and stores of a SASL_SSL listener (SCRAM-SHA-512 and PLAIN), made by cluster-security.ts. */
export interface BrokerSecurity {
  /** PKCS12 key store (the broker's key and certificate) and trust store (the CA), one password for both. */
  keyStore: string
  trustStore: string
  storePassword: string
  /** The CA as PEM, for this project's own clients (KAFKA_SSL_CA_FILE). */
  caFile: string
  /** The brokers' own user (inter-broker traffic) and the clients' user. */
  admin: { username: string; password: string }
  client: { username: string; password: string }
}

/** The voters, the replication the topics get, and the security of the client listener. */
export interface KafkaTopology {
  nodes: KafkaNode[]
  security?: BrokerSecurity
  /** Given to every node's storage formatter; only the first start of a node uses it. */
  clusterId: string
}

function securityProperties(security: BrokerSecurity | undefined): string[] {
  if (!security) return ['inter.broker.listener.name=PLAINTEXT']
  const { admin, client } = security
  const scram = jaasConfig('SCRAM-SHA-512', admin)
  // PLAIN's users are its options: user_<name>="<password>".
  const plain = jaasConfig('PLAIN', {
    ...admin,
    [`user_${admin.username}`]: admin.password,
    [`user_${client.username}`]: client.password,
  })
  return [
    'inter.broker.listener.name=SASL_SSL',
    'sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN',
    'sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512',
    `listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=${scram}`,
    `listener.name.sasl_ssl.plain.sasl.jaas.config=${plain}`,
    'ssl.keystore.type=PKCS12',
    `ssl.keystore.location=${security.keyStore}`,
    `ssl.keystore.password=${security.storePassword}`,
    'ssl.truststore.type=PKCS12',
    `ssl.truststore.location=${security.trustStore}`,
    `ssl.truststore.password=${security.storePassword}`,
  ]
}

function serverProperties(host: string, node: KafkaNode, topology: KafkaTopology, dataDir: string): string {
  const protocol = topology.security ? 'SASL_SSL' : 'PLAINTEXT'
  const broker = `${protocol}://${host}:${node.port}`
  const controller = `CONTROLLER://${CONTROLLER_HOST}:${node.controllerPort}`
  // Internal topics get as many replicas as there are nodes (up to 3); writes need all but one of them.
  const replicas = Math.min(3, topology.nodes.length)
  const minInsync = Math.max(1, replicas - 1)
  return `${[
    'process.roles=broker,controller',
    `node.id=${node.id}`,
    `controller.quorum.bootstrap.servers=${topology.nodes.map((n) => `${CONTROLLER_HOST}:${n.controllerPort}`).join(',')}`,
    `listeners=${broker},${controller}`,
    `advertised.listeners=${broker},${controller}`,
    'controller.listener.names=CONTROLLER',
    `listener.security.protocol.map=CONTROLLER:PLAINTEXT,${protocol}:${protocol}`,
    ...securityProperties(topology.security),
    `log.dirs=${dataDir}`,
    `num.partitions=${topology.nodes.length > 1 ? 6 : 1}`,
    `default.replication.factor=${replicas}`,
    `min.insync.replicas=${minInsync}`,
    `offsets.topic.replication.factor=${replicas}`,
    `transaction.state.log.replication.factor=${replicas}`,
    `transaction.state.log.min.isr=${minInsync}`,
    `share.coordinator.state.topic.replication.factor=${replicas}`,
    `share.coordinator.state.topic.min.isr=${minInsync}`,
    'group.initial.rebalance.delay.ms=0',
    // Batch files of 100k rows of ~100 B each: allow large fetches and keep a day of data.
    'message.max.bytes=10485760',
    'log.retention.hours=168',
  ].join('\n')}\n`
}

const LOG4J2 = `${[
  'appender.out.type=Console',
  'appender.out.name=out',
  'appender.out.layout.type=PatternLayout',
  'appender.out.layout.pattern=[%d] %p %m (%c)%n',
  'rootLogger.level=INFO',
  'rootLogger.appenderRef.out.ref=out',
  'logger.kafka.name=kafka',
  'logger.kafka.level=INFO',
  'logger.state.name=state.change.logger',
  'logger.state.level=WARN',
].join('\n')}\n`

/**
 * A new KRaft cluster id (a Kafka Uuid: 16 random bytes, base64url). Like Kafka's own `random-uuid`, never one
 * starting with "-", which the storage tool would read as an option.
 */
export function kafkaUuid(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/** The single-node broker of `traffic engines start`. */
export function kafkaEngine(config: Config): LocalEngine {
  const node = { id: 1, port: config.kafka.port, controllerPort: config.kafka.controllerPort }
  const dir = path.join(config.engines.stateDir, 'kafka')
  return kafkaNodeEngine(config, { nodes: [node], clusterId: kafkaUuid() }, node, dir)
}

/** One node of `topology`, with its files in `dir`. */
export function kafkaNodeEngine(
  config: Config,
  topology: KafkaTopology,
  node: KafkaNode,
  dir: string,
): LocalEngine {
  const { host, cacheDir } = config.engines
  const dataDir = path.join(dir, 'data')
  const propertiesFile = path.join(dir, 'server.properties')
  const log4jFile = path.join(dir, 'log4j2.properties')
  const classpath = path.join(jarsDir(cacheDir, KAFKA), '*')
  const heap = topology.nodes.length > 1 ? ['-Xms256m', '-Xmx512m'] : ['-Xms512m', '-Xmx1g']
  const jvm = [`-Dlog4j2.configurationFile=${log4jFile}`, ...heap, '-cp', classpath]
  const endpoint = `${host}:${node.port}`
  const { security } = topology
  // The health check is a client of this node alone, with the brokers' own credentials.
  const probe: KafkaConfig = {
    ...config.kafka,
    brokers: [endpoint],
    security: security
      ? {
          protocol: 'SASL_SSL',
          sasl: { mechanism: 'SCRAM-SHA-512', ...security.admin },
          caFile: security.caFile,
        }
      : { protocol: 'PLAINTEXT' },
  }

  return {
    name: topology.nodes.length > 1 ? `Kafka node ${node.id}` : 'Kafka',
    version: KAFKA.version,
    dir,
    ports: [
      { host, port: node.port },
      { host: CONTROLLER_HOST, port: node.controllerPort },
    ],
    endpoint: topology.nodes.length > 1 ? endpoint : config.kafka.brokers.join(','),
    files: { pidFile: path.join(dir, 'kafka.pid'), logFile: path.join(dir, 'kafka.log') },
    startTimeoutMs: 90_000,

    /**
     * Writes the configuration and formats the KRaft storage the first time only. The formatter reads its
     * arguments (the SCRAM passwords among them) from a 0600 argument file, deleted once it has run.
     */
    async prepare(runTool) {
      await mkdir(dir, { recursive: true })
      await writeFile(propertiesFile, serverProperties(host, node, topology, dataDir), { mode: 0o600 })
      await writeFile(log4jFile, LOG4J2)
      if (existsSync(path.join(dataDir, 'meta.properties'))) return
      const formatArgs = [
        'kafka.tools.StorageTool',
        'format',
        ...quorumArguments(topology),
        ...scramArguments(security),
        '--cluster-id',
        topology.clusterId,
        '--config',
        propertiesFile,
      ]
      const argFile = path.join(dir, 'format.args')
      await writeFile(argFile, formatArgs.map((arg) => `${javaQuoted(arg)}\n`).join(''), { mode: 0o600 })
      try {
        await runTool('formatting the KRaft storage', javaBinary(), [...jvm, `@${argFile}`])
      } finally {
        await rm(argFile, { force: true })
      }
    },

    command: () => ({ command: javaBinary(), args: [...jvm, MAIN_CLASS, propertiesFile] }),

    /** Healthy when this node answers a metadata request that lists it. */
    healthy: () => kafkaAnswers(probe, node.id),
  }
}

/** True when the brokers answer a metadata request (listing node `nodeId`, when given). */
export async function kafkaAnswers(kafka: KafkaConfig, nodeId?: number): Promise<boolean> {
  const admin = kafkaAdmin(kafka, 'health', { retries: 0, timeout: 2_000 })
  try {
    const metadata = await admin.metadata({ topics: [] })
    return nodeId === undefined ? metadata.brokers.size > 0 : metadata.brokers.has(nodeId)
  } catch {
    return false
  } finally {
    await admin.close().catch(() => undefined)
  }
}

/** One node is its own quorum; several share the list of initial voters (each with a directory id). */
function quorumArguments(topology: KafkaTopology): string[] {
  if (topology.nodes.length === 1) return ['--standalone']
  const voters = topology.nodes.map(
    (n) => `${n.id}@${CONTROLLER_HOST}:${n.controllerPort}:${directoryId(topology.clusterId, n.id)}`,
  )
  return ['--initial-controllers', voters.join(',')]
}

/** A node's metadata directory id, derived so that every node's formatter computes the same voter list. */
function directoryId(clusterId: string, nodeId: number): string {
  const id = createHash('sha256')
    .update(`${clusterId}/${nodeId}`)
    .digest()
    .subarray(0, 16)
    .toString('base64url')
  return id.startsWith('-') ? `A${id.slice(1)}` : id
}

/**
 * SCRAM credentials are stored in the cluster metadata when it is formatted (Kafka's own way, no broker needed).
 * They carry the passwords: only for the argument file, never a command line.
 */
function scramArguments(security: BrokerSecurity | undefined): string[] {
  if (!security) return []
  return [security.admin, security.client].flatMap(({ username, password }) => [
    '--add-scram',
    `SCRAM-SHA-512=[name=${username},password=${password}]`,
  ])
}
