// The project's side of the Spark Connect client (src/spark), which knows nothing of this project: here it gets
// the pinned protocol (extracted from the jar in the engines cache), the expected Spark version (the manifest)
// and the TLS CA (the config).
import path from 'node:path'
import { type Config, readCaFile } from '../config.ts'
import {
  type ExtractResult,
  extractSparkProtos,
  hasSparkProtos,
  type RetryPolicy,
  SparkSession,
  sparkConnectJarName,
} from '../spark/index.ts'
import { withTrafficErrors } from '../spark-errors.ts'
import { jarsDir, SPARK, sparkProtosDir } from './manifest.ts'

/** Copies the protos out of the pinned spark-connect jar of the cache. Idempotent. */
export function extractPinnedProtos(cacheDir: string): Promise<ExtractResult> {
  const jar = path.join(jarsDir(cacheDir, SPARK), sparkConnectJarName(SPARK.version))
  return withTrafficErrors(() => extractSparkProtos(jar, sparkProtosDir(cacheDir)))
}

/** The protos folder of the cache, extracted on first use when the jar is there but the folder is not. */
export async function ensureSparkProtos(cacheDir: string): Promise<string> {
  const dir = sparkProtosDir(cacheDir)
  if (!hasSparkProtos(dir)) await extractPinnedProtos(cacheDir)
  return dir
}

/** What connecting needs from the configuration: the server and its TLS CA, the engines cache with the protocol. */
export type SparkConnectConfig = Pick<Config, 'spark' | 'engines'>

export interface SparkConnectOptions {
  /** Reuse a server-side session (a UUID); a fresh one by default. */
  sessionId?: string
  /** How long to keep trying while the server is unreachable; the client's default policy when absent. */
  retry?: RetryPolicy
}

/** A session on config.spark.remote with the pinned Spark version's protocol; the server must run that version. */
export async function connectSpark(
  config: SparkConnectConfig,
  options: SparkConnectOptions = {},
): Promise<SparkSession> {
  const protosDir = await ensureSparkProtos(config.engines.cacheDir)
  const caFile = config.spark.caFile
  return withTrafficErrors(() =>
    SparkSession.connect(config.spark.remote, {
      protosDir,
      expectedVersion: SPARK.version,
      sessionId: options.sessionId,
      retry: options.retry,
      deadlines: { control: config.spark.controlDeadlineMs },
      keepalive: config.spark.keepalive,
      caCertificate: caFile
        ? readCaFile('SPARK_SSL_CA_FILE', caFile, 'the Spark Connect server’s certificate')
        : undefined,
    }),
  )
}
