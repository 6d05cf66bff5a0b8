// S3Proxy, a real S3 API server (Apache-2.0, from Maven Central) on loopback with its filesystem backend: the
// local object store of the tests and of `traffic cluster`. Its access key and secret are generated once into
// its properties file (mode 600), which is also where clients read them from.
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config, S3Settings } from '../config.ts'
import type { LocalEngine } from './local-engine.ts'
import { jarsDir, S3PROXY } from './manifest.ts'
import { javaBinary } from './prerequisites.ts'

// S3Proxy binds exactly the host of its endpoint; only this machine's clients use it.
const HOST = '127.0.0.1'
/** The region its clients sign requests for. */
export const S3PROXY_REGION = 'us-east-1'

function propertiesFile(dir: string): string {
  return path.join(dir, 's3proxy.properties')
}

function endpointOf(port: number): string {
  return `http://${HOST}:${port}`
}

function properties(port: number, dataDir: string, identity: string, credential: string): string {
  return `${[
    `s3proxy.endpoint=${endpointOf(port)}`,
    's3proxy.authorization=aws-v2-or-v4',
    `s3proxy.identity=${identity}`,
    `s3proxy.credential=${credential}`,
    'jclouds.provider=filesystem-nio2',
    `jclouds.filesystem.basedir=${dataDir}`,
  ].join('\n')}\n`
}

/** The credentials written at the first start (kept across restarts, so existing clients stay valid). */
async function readCredentials(dir: string): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const text = await readFile(propertiesFile(dir), 'utf8')
  const value = (name: string) => text.match(new RegExp(`^${name}=(.*)$`, 'm'))?.[1] ?? ''
  return { accessKeyId: value('s3proxy.identity'), secretAccessKey: value('s3proxy.credential') }
}

/**
 * The client settings for the S3Proxy kept in `dir` (after its first start), listening on `port`, with the
 * configured request deadline.
 */
export async function s3proxyClientSettings(
  dir: string,
  port: number,
  requestTimeoutMs: number,
): Promise<S3Settings> {
  return {
    endpoint: endpointOf(port),
    endpointSetting: 'AWS_ENDPOINT_URL_S3',
    region: S3PROXY_REGION,
    forcePathStyle: true,
    requestTimeoutMs,
    credentials: await readCredentials(dir),
  }
}

/** Any HTTP answer (an anonymous request is refused) means the server is up. */
async function answers(port: number): Promise<boolean> {
  try {
    await fetch(endpointOf(port), { signal: AbortSignal.timeout(2_000) })
    return true
  } catch {
    return false
  }
}

/** S3Proxy on `port`, its files (and the objects, under `data/`) in `dir`. */
export function s3proxyEngine(config: Config, dir: string, port: number): LocalEngine {
  const jar = path.join(
    jarsDir(config.engines.cacheDir, S3PROXY),
    `s3proxy-${S3PROXY.version}-jar-with-dependencies.jar`,
  )
  return {
    name: 'S3Proxy',
    version: S3PROXY.version,
    dir,
    ports: [{ host: HOST, port }],
    endpoint: endpointOf(port),
    files: { pidFile: path.join(dir, 's3proxy.pid'), logFile: path.join(dir, 's3proxy.log') },
    startTimeoutMs: 60_000,

    async prepare() {
      const dataDir = path.join(dir, 'data')
      await mkdir(dataDir, { recursive: true })
      const { accessKeyId, secretAccessKey } = existsSync(propertiesFile(dir))
        ? await readCredentials(dir)
        : {
            accessKeyId: `traffic-${randomBytes(6).toString('hex')}`,
            secretAccessKey: randomBytes(24).toString('base64url'),
          }
      await writeFile(propertiesFile(dir), properties(port, dataDir, accessKeyId, secretAccessKey), {
        mode: 0o600,
      })
    },

    command: () => ({
      command: javaBinary(),
      args: ['-Xms64m', '-Xmx256m', '-jar', jar, '--properties', propertiesFile(dir)],
    }),

    healthy: () => answers(port),
  }
}
