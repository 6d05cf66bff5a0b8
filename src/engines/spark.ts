// The local Apache Spark Connect server (with MLlib), `local[*]`, on loopback (by default).
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config.ts'
import { redactSparkRemote, type SparkSession } from '../spark/index.ts'
import type { LocalEngine } from './local-engine.ts'
import { jarsDir, SPARK } from './manifest.ts'
import { javaBinary } from './prerequisites.ts'
import { s3aClasspath, s3aEnv, s3aSparkConf, sparkUsesS3 } from './s3a.ts'
import { connectSpark } from './spark-connect.ts'

const NO_RETRY = { attempts: 1, initialDelayMs: 0, maxDelayMs: 0, multiplier: 1 }

const MAIN_CLASS = 'org.apache.spark.sql.connect.service.SparkConnectServer'

const DRIVER_HOST = '127.0.0.1'

/** The default pool shares the cores fairly between the jobs it runs at once (Spark's own default pool is FIFO). */
const FAIR_POOLS = `<?xml version="1.0"?>
<allocations>
  <pool name="default"><schedulingMode>FAIR</schedulingMode><weight>1</weight><minShare>0</minShare></pool>
</allocations>
`

// The module flags Spark's own launcher adds on Java 17+ (launcher/.../JavaModuleOptions.java):
// Spark reaches into JDK internals (direct buffers, Unsafe) that the module system closes by default.
export const JAVA_MODULE_OPTIONS = [
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

/** Healthy when the server answers a trivial query end to end (session, plan, Arrow result). */
async function answersQuery(config: Config): Promise<boolean> {
  let session: SparkSession | undefined
  try {
    session = await connectSpark(config, { retry: NO_RETRY })
    const [row] = await session.sql('SELECT 1 AS ok').collect()
    return row?.ok === 1
  } catch {
    return false
  } finally {
    await session?.close().catch(() => undefined)
  }
}

/** A Spark standalone master to run the jobs on instead of `local[*]`, and a web UI port of the driver's own. */
export interface SparkDriverPlacement {
  master: string
  uiPort: number
  executorMemory: string
  /** Pre-shared token clients must send as `authorization: Bearer` (`;token=` in SPARK_REMOTE). */
  token?: string
}

export function sparkEngine(config: Config, placement?: SparkDriverPlacement): LocalEngine {
  const dir = path.join(config.engines.stateDir, 'spark')
  const { host } = config.engines
  const onCluster: Record<string, string> = placement
    ? {
        'spark.ui.port': String(placement.uiPort),
        'spark.executor.memory': placement.executorMemory,
      }
    : {}
  const sparkConf: Record<string, string> = {
    'spark.master': placement?.master ?? 'local[*]',
    ...onCluster,
    'spark.app.name': 'urban-traffic',
    'spark.connect.grpc.binding.address': host,
    'spark.connect.grpc.binding.port': String(config.spark.port),
    // The driver's RPC and block manager ports only serve this process (local mode): loopback always.
    'spark.driver.host': DRIVER_HOST,
    'spark.driver.bindAddress': DRIVER_HOST,
    // The web UI (4040 or the next free port) and its status API stay available, read-only: no kill links.
    'spark.ui.killEnabled': 'false',
    // Keep every job and stage of a training run in the status API (GBT starts several jobs per iteration), so a
    // run can be profiled from it; Spark's default of 1,000 drops the start of a run.
    'spark.ui.retainedJobs': '20000',
    'spark.ui.retainedStages': '20000',
    'spark.sql.warehouse.dir': path.join(dir, 'warehouse'),
    'spark.local.dir': path.join(dir, 'tmp'),
    // Training fits its three models at once: jobs of concurrent operations share the cores instead of queueing
    // behind the longest fit.
    'spark.scheduler.mode': 'FAIR',
    'spark.scheduler.allocation.file': path.join(dir, 'fair-pools.xml'),
    // A laptop has few cores: fewer shuffle partitions than the cluster default of 200.
    'spark.sql.shuffle.partitions': '8',
    // Gradient boosting keeps each iteration's predictions as an RDD derived from the one before; without a
    // checkpoint folder its checkpointInterval does nothing, so every job of iteration n serializes (and every task
    // deserializes) the lineage of all n iterations and their trees: time per job grows with the iterations.
    'spark.checkpoint.dir': path.join(dir, 'checkpoints'),
  }
  const s3 = sparkUsesS3(config) ? config.storage.s3 : undefined
  /** The S3A jars' classpath entry, found by `prepare` when an s3:// location is configured. */
  let s3aJars: string | undefined

  return {
    name: 'Spark Connect',
    version: SPARK.version,
    dir,
    ports: [{ host, port: config.spark.port }],
    endpoint: redactSparkRemote(config.spark.remote),
    files: { pidFile: path.join(dir, 'spark.pid'), logFile: path.join(dir, 'spark.log') },
    startTimeoutMs: 120_000,

    async prepare() {
      await mkdir(path.join(dir, 'tmp'), { recursive: true })
      await writeFile(path.join(dir, 'fair-pools.xml'), FAIR_POOLS)
      if (s3) s3aJars = await s3aClasspath(config.engines.cacheDir)
    },

    command: () => {
      const onS3: Record<string, string> =
        s3 && s3aJars
          ? {
              ...s3aSparkConf(s3),
              // The Workers build executors' classpaths from Spark's own jars; the connector is added to them.
              ...(placement ? { 'spark.executor.extraClassPath': s3aJars } : {}),
            }
          : {}
      const sparkJars = path.join(jarsDir(config.engines.cacheDir, SPARK), '*')
      return {
        command: javaBinary(),
        // Spark's web UI binds SPARK_LOCAL_IP, or every interface when it is unset (there is no spark.ui.host).
        // The token and the S3 credentials go by environment, not the command line that `ps` shows to every user.
        env: {
          SPARK_LOCAL_IP: host,
          ...(placement?.token ? { SPARK_CONNECT_AUTHENTICATE_TOKEN: placement.token } : {}),
          ...(s3 ? s3aEnv(s3) : {}),
        },
        args: [
          `-Xmx${config.spark.driverMemory}`,
          ...JAVA_MODULE_OPTIONS,
          ...Object.entries({ ...sparkConf, ...onS3 }).map(([key, value]) => `-D${key}=${value}`),
          '-cp',
          s3aJars ? [sparkJars, s3aJars].join(path.delimiter) : sparkJars,
          MAIN_CLASS,
        ],
      }
    },

    healthy: () => answersQuery(config),
  }
}
