// A Spark Connect server of its own (a free port, its own state folder) launched as `traffic engines start`
// launches it when TRAFFIC_BATCHES is on the given S3Proxy: the S3A jars fetched, the fs.s3a settings and the
// credentials from the same environment a user would set.
import path from 'node:path'
import { type Config, loadConfig } from '../../src/config.ts'
import { fetchEngine } from '../../src/engines/fetch.ts'
import { startEngine, stopEngine } from '../../src/engines/lifecycle.ts'
import { S3A } from '../../src/engines/manifest.ts'
import { sparkEngine } from '../../src/engines/spark.ts'
import { freePort } from '../fixtures/ports.ts'
import type { RunningS3Proxy } from './s3proxy-fixture.ts'

export interface SparkOnS3 {
  /** TRAFFIC_BATCHES is `s3://<bucket>/batches`; TRAFFIC_MODELS the folder given. */
  config: Config
  stop(): Promise<void>
}

export async function startSparkOnS3Proxy(
  s3proxy: RunningS3Proxy,
  work: string,
  modelsDir: string,
): Promise<SparkOnS3> {
  const { endpoint, credentials } = s3proxy.settings
  const config = loadConfig(
    {},
    {
      ...process.env,
      SPARK_CONNECT_PORT: String(await freePort()),
      TRAFFIC_STATE_DIR: path.join(work, 'state'),
      TRAFFIC_BATCHES: `s3://${s3proxy.bucket}/batches`,
      TRAFFIC_MODELS: modelsDir,
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_ACCESS_KEY_ID: credentials?.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials?.secretAccessKey,
    },
  )
  await fetchEngine(config.engines.cacheDir, S3A)
  const engine = sparkEngine(config)
  const status = await startEngine(engine)
  process.stderr.write(`Spark Connect with S3A started in ${status.startSeconds?.toFixed(1)} s\n`)
  return { config, stop: async () => void (await stopEngine(engine)) }
}
