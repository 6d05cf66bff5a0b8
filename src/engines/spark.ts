// The local Apache Spark Connect server (with MLlib), `local[*]`, on loopback.
import { mkdir } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import type { Config } from '../config.ts'
import { parseSparkRemote } from '../spark/remote.ts'
import type { LocalEngine } from './local-engine.ts'
import { jarsDir, SPARK } from './manifest.ts'
import { javaBinary } from './prerequisites.ts'

const MAIN_CLASS = 'org.apache.spark.sql.connect.service.SparkConnectServer'

// The module flags Spark's own launcher adds on Java 17+ (launcher/.../JavaModuleOptions.java):
// Spark reaches into JDK internals (direct buffers, Unsafe) that the module system closes by default.
const JAVA_MODULE_OPTIONS = [
  '-XX:+IgnoreUnrecognizedVMOptions',
  '--add-modules=jdk.incubator.vector',
  ...[
    'java.lang',
    'java.lang.invoke',
    'java.lang.reflect',
    'java.io',
    'java.net',
    'java.nio',
    'java.util',
    'java.util.concurrent',
    'java.util.concurrent.atomic',
    'jdk.internal.ref',
    'sun.nio.ch',
    'sun.nio.cs',
    'sun.security.action',
    'sun.util.calendar',
  ].map((pkg) => `--add-opens=java.base/${pkg}=ALL-UNNAMED`),
  '-Djdk.reflect.useDirectMethodHandle=false',
  '-Dio.netty.tryReflectionSetAccessible=true',
  '--enable-native-access=ALL-UNNAMED',
]

function tcpOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host })
    socket.setTimeout(1_000)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
    socket.once('timeout', () => {
      socket.destroy()
      resolve(false)
    })
  })
}

export function sparkEngine(config: Config): LocalEngine {
  const dir = path.join(config.engines.stateDir, 'spark')
  const sparkConf: Record<string, string> = {
    'spark.master': 'local[*]',
    'spark.app.name': 'urban-traffic',
    'spark.connect.grpc.binding.address': '127.0.0.1',
    'spark.connect.grpc.binding.port': String(config.spark.port),
    'spark.driver.host': '127.0.0.1',
    'spark.driver.bindAddress': '127.0.0.1',
    'spark.sql.warehouse.dir': path.join(dir, 'warehouse'),
    'spark.local.dir': path.join(dir, 'tmp'),
    // A laptop has few cores: fewer shuffle partitions than the cluster default of 200.
    'spark.sql.shuffle.partitions': '8',
  }

  return {
    name: 'Spark Connect',
    version: SPARK.version,
    mainClass: MAIN_CLASS,
    dir,
    ports: [config.spark.port],
    endpoint: config.spark.remote,
    files: { pidFile: path.join(dir, 'spark.pid'), logFile: path.join(dir, 'spark.log') },
    startTimeoutMs: 120_000,

    async prepare() {
      await mkdir(path.join(dir, 'tmp'), { recursive: true })
    },

    command: () => ({
      command: javaBinary(),
      args: [
        `-Xmx${config.spark.driverMemory}`,
        ...JAVA_MODULE_OPTIONS,
        ...Object.entries(sparkConf).map(([key, value]) => `-D${key}=${value}`),
        '-cp',
        path.join(jarsDir(config.engines.cacheDir, SPARK), '*'),
        MAIN_CLASS,
      ],
    }),

    healthy: () => {
      const { host, port } = parseSparkRemote(config.spark.remote)
      return tcpOpen(host, port)
    },
  }
}
