// Spark on object storage: the S3A connector's jars and settings for the Spark JVMs we launch, from the one S3
// client configuration. Credentials reach the JVMs only by environment (never a `-D` that `ps` shows to every
// user): the driver's own, and the workers', whose executors inherit it.
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Config, S3Settings } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { isFetched } from './fetch.ts'
import { type EngineManifest, jarsDir, S3A, SPARK } from './manifest.ts'

/** True when a location Spark reads or writes is on object storage. */
export function sparkUsesS3(config: Pick<Config, 'paths'>): boolean {
  return [config.paths.batches, config.paths.models, config.paths.checkpoints].some((location) =>
    location.startsWith('s3://'),
  )
}

/** The connector's jars when Spark needs them: fetched along with the engines then, and only then. */
export function s3aEngines(config: Pick<Config, 'paths'>): EngineManifest[] {
  return sparkUsesS3(config) ? [S3A] : []
}

/** The `spark.hadoop.fs.s3a.*` settings (no secret among them). */
export function s3aSparkConf(s3: S3Settings): Record<string, string> {
  const provider = s3.credentials
    ? 'software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider'
    : s3.profile
      ? 'software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider'
      : undefined
  return {
    ...(s3.endpoint
      ? {
          'spark.hadoop.fs.s3a.endpoint': s3.endpoint,
          'spark.hadoop.fs.s3a.connection.ssl.enabled': String(s3.endpoint.startsWith('https:')),
        }
      : {}),
    'spark.hadoop.fs.s3a.endpoint.region': s3.region,
    'spark.hadoop.fs.s3a.path.style.access': String(s3.forcePathStyle),
    // Without a provider, S3A's default chain: environment, then the machine's role.
    ...(provider ? { 'spark.hadoop.fs.s3a.aws.credentials.provider': provider } : {}),
  }
}

/** The AWS environment the S3A credentials provider reads, for the Spark JVMs. */
export function s3aEnv(s3: S3Settings): Record<string, string> {
  const { credentials, profile } = s3
  return {
    ...(credentials
      ? {
          AWS_ACCESS_KEY_ID: credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
          ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
        }
      : {}),
    ...(profile ? { AWS_PROFILE: profile } : {}),
  }
}

/** The classpath entry of the S3A jars; a clear error naming the fetch command when they are not fetched. */
export async function s3aClasspath(cacheDir: string): Promise<string> {
  if (!(await isFetched(cacheDir, S3A))) {
    throw new TrafficError(
      'ENGINE_NOT_RUNNING',
      `an s3:// location is configured, but Spark's S3A connector (hadoop-aws ${S3A.version}) is not fetched`,
      { hint: 'run `traffic engines fetch --with s3`' },
    )
  }
  // hadoop-aws calls into Hadoop's internals: any other Hadoop version than Spark's fails deep inside a job.
  const sparkHadoop = path.join(jarsDir(cacheDir, SPARK), `hadoop-client-api-${S3A.version}.jar`)
  if (!existsSync(sparkHadoop)) {
    throw new TrafficError(
      'ENGINE_NOT_RUNNING',
      `Spark's S3A connector is pinned to Hadoop ${S3A.version}, but Spark ${SPARK.version}'s jars hold another Hadoop`,
      { hint: `set <hadoop.version> in ${S3A.pom} to the hadoop-client-api version among Spark's jars` },
    )
  }
  return path.join(jarsDir(cacheDir, S3A), '*')
}
