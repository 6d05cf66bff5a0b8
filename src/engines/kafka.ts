// The local Apache Kafka broker: one KRaft node that is both broker and controller, on loopback (by default).
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { kafkaAdmin } from '../stream/kafka-clients.ts'
import type { LocalEngine } from './local-engine.ts'
import { jarsDir, KAFKA } from './manifest.ts'
import { javaBinary } from './prerequisites.ts'

const MAIN_CLASS = 'kafka.Kafka'

// Only this node talks to its controller: that port stays on loopback whatever address clients use.
const CONTROLLER_HOST = '127.0.0.1'

function serverProperties(config: Config, dataDir: string): string {
  const { port, controllerPort } = config.kafka
  const broker = `PLAINTEXT://${config.engines.host}:${port}`
  const controller = `CONTROLLER://${CONTROLLER_HOST}:${controllerPort}`
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=${CONTROLLER_HOST}:${controllerPort}`,
    `listeners=${broker},${controller}`,
    `advertised.listeners=${broker},${controller}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    'num.partitions=1',
    // A single node: every internal topic has one replica.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
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

export function kafkaEngine(config: Config): LocalEngine {
  const dir = path.join(config.engines.stateDir, 'kafka')
  const dataDir = path.join(dir, 'data')
  const propertiesFile = path.join(dir, 'server.properties')
  const log4jFile = path.join(dir, 'log4j2.properties')
  const classpath = path.join(jarsDir(config.engines.cacheDir, KAFKA), '*')
  const jvm = [`-Dlog4j2.configurationFile=${log4jFile}`, '-Xms512m', '-Xmx1g', '-cp', classpath]

  return {
    name: 'Kafka',
    version: KAFKA.version,
    dir,
    ports: [
      { host: config.engines.host, port: config.kafka.port },
      { host: CONTROLLER_HOST, port: config.kafka.controllerPort },
    ],
    endpoint: config.kafka.brokers.join(','),
    files: { pidFile: path.join(dir, 'kafka.pid'), logFile: path.join(dir, 'kafka.log') },
    startTimeoutMs: 90_000,

    /** Writes the configuration and formats the KRaft storage the first time only. */
    async prepare(runTool) {
      await mkdir(dir, { recursive: true })
      await writeFile(propertiesFile, serverProperties(config, dataDir))
      await writeFile(log4jFile, LOG4J2)
      if (existsSync(path.join(dataDir, 'meta.properties'))) return
      const clusterId = randomBytes(16).toString('base64url')
      await runTool('formatting the KRaft storage', javaBinary(), [
        ...jvm,
        'kafka.tools.StorageTool',
        'format',
        '--standalone',
        '--cluster-id',
        clusterId,
        '--config',
        propertiesFile,
      ])
    },

    command: () => ({ command: javaBinary(), args: [...jvm, MAIN_CLASS, propertiesFile] }),

    /** Healthy when a metadata request is answered and lists the broker. */
    async healthy() {
      const admin = kafkaAdmin(config.kafka, 'health', { retries: 0, timeout: 2_000 })
      try {
        const metadata = await admin.metadata({ topics: [] })
        return metadata.brokers.size > 0
      } catch {
        return false
      } finally {
        await admin.close().catch(() => undefined)
      }
    },
  }
}
