// A real S3Proxy for one test file: fetched into the engine cache if need be, started on a free port (test files run side by
// side) with its own folder, a bucket created, and stopped (by PID) with its folder removed afterwards. A fault test may
// SIGKILL it and start it again on the same port and folder (its objects and credentials survive).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig, type S3Settings } from '../../src/config.ts'
import { fetchEngine } from '../../src/engines/fetch.ts'
import { engineStatus, startEngine, stopEngine } from '../../src/engines/lifecycle.ts'
import { S3PROXY } from '../../src/engines/manifest.ts'
import { s3proxyClientSettings, s3proxyEngine } from '../../src/engines/s3proxy.ts'
import { ensureBucket } from '../../src/storage/s3-store.ts'
import { freePort } from '../fixtures/ports.ts'
import { until } from '../fixtures/wait.ts'

export interface RunningS3Proxy {
  settings: S3Settings
  bucket: string
  /** The settings as environment variables, for a `traffic` process to reach this server. */
  env: NodeJS.ProcessEnv
  /** SIGKILLs the server; resolves once it is gone. */
  kill(): Promise<void>
  /** Starts it again after a kill. */
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startS3Proxy(bucket = 'traffic-test'): Promise<RunningS3Proxy> {
  const config = loadConfig()
  await fetchEngine(config.engines.cacheDir, S3PROXY)
  const dir = await mkdtemp(path.join(tmpdir(), 's3proxy-'))
  const port = await freePort()
  const engine = s3proxyEngine(config, dir, port)
  const status = await startEngine(engine)
  process.stderr.write(`S3Proxy ${S3PROXY.version} started in ${status.startSeconds?.toFixed(1)} s\n`)
  const settings = await s3proxyClientSettings(dir, port, config.storage.s3.requestTimeoutMs)
  await ensureBucket(settings, bucket)
  const credentials = settings.credentials as { accessKeyId: string; secretAccessKey: string }
  return {
    settings,
    bucket,
    env: {
      AWS_ENDPOINT_URL_S3: settings.endpoint,
      AWS_REGION: settings.region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    async kill() {
      const { pid } = await engineStatus(engine)
      if (pid === undefined) throw new Error('S3Proxy is not running')
      process.kill(pid, 'SIGKILL')
      await until('the killed S3Proxy is gone', async () => (await engineStatus(engine)).pid === undefined)
    },
    async restart() {
      await startEngine(engine)
    },
    async stop() {
      await stopEngine(engine)
      await rm(dir, { recursive: true, force: true })
    },
  }
}
