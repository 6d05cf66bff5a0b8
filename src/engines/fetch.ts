// `traffic engines fetch`: resolves the pinned engine jars from Maven Central into the cache, once.
// A `.complete` marker holding the manifest's hash makes it idempotent and notices a changed manifest.
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { SingleBar } from 'cli-progress'
import { TrafficError } from '../errors.ts'
import { generateProtocolTypes } from '../spark/codegen.ts'
import {
  extractSparkProtos,
  hasSparkProtos,
  SPARK_CONNECT_ARTIFACT,
  sparkConnectJarName,
} from '../spark/index.ts'
import { withTrafficErrors } from '../spark-errors.ts'
import { type EngineManifest, jarsDir, KAFKA, S3A, S3PROXY, SPARK, sparkProtosDir } from './manifest.ts'
import { checkJava, checkMaven } from './prerequisites.ts'
import { extractPinnedProtos } from './spark-connect.ts'

export interface FetchResult {
  engine: EngineManifest
  dir: string
  /** False when the cache already held this exact manifest. */
  fetched: boolean
  jars: number
  /** Size of its jars on disk. */
  bytes: number
}

async function jarsSize(dir: string): Promise<{ jars: number; bytes: number }> {
  const jars = (await readdir(dir)).filter((name) => name.endsWith('.jar'))
  const sizes = await Promise.all(jars.map(async (name) => (await stat(path.join(dir, name))).size))
  return { jars: jars.length, bytes: sizes.reduce((sum, size) => sum + size, 0) }
}

async function manifestHash(engine: EngineManifest): Promise<string> {
  return createHash('sha256')
    .update(await readFile(engine.pom))
    .digest('hex')
}

function markerPath(dir: string): string {
  return path.join(dir, '.complete')
}

export async function isFetched(cacheDir: string, engine: EngineManifest): Promise<boolean> {
  const marker = markerPath(jarsDir(cacheDir, engine))
  if (!existsSync(marker)) return false
  return (await readFile(marker, 'utf8')) === (await manifestHash(engine))
}

/** Runs Maven's copy-dependencies into `outDir`, counting downloads on a live line. */
function copyDependencies(engine: EngineManifest, outDir: string, logFile: string): Promise<void> {
  const args = ['-f', engine.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${outDir}`]
  return runMaven(`${engine.name} ${engine.version}`, args, logFile)
}

/** Runs a Maven goal in batch mode, counting downloads on a live line; the whole output goes to `logFile`. */
function runMaven(label: string, args: string[], logFile: string): Promise<void> {
  const bar = new SingleBar({
    format: `  ${label}: {value} artifacts downloaded`,
    noTTYOutput: false,
    hideCursor: true,
  })
  bar.start(0, 0)
  return new Promise((resolve, reject) => {
    const mvn = spawn('mvn', ['-B', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    const output: string[] = []
    const onData = (chunk: Buffer) => {
      const text = chunk.toString()
      output.push(text)
      const downloads = text.match(/Downloaded from/g)?.length ?? 0
      if (downloads) bar.increment(downloads)
    }
    mvn.stdout.on('data', onData)
    mvn.stderr.on('data', onData)
    mvn.on('error', reject)
    mvn.on('close', async (code) => {
      bar.stop()
      await writeFile(logFile, output.join(''))
      if (code === 0) return resolve()
      const tail = output
        .join('')
        .split('\n')
        .filter((l) => l.includes('ERROR'))
        .slice(0, 5)
        .join('\n')
      reject(
        new TrafficError('ENGINE_FETCH_FAILED', `Maven could not resolve ${label}:\n${tail}`, {
          hint: `full Maven output in ${logFile}; check that Maven Central is reachable (proxy settings in ~/.m2/settings.xml)`,
          canRetry: true,
        }),
      )
    })
  })
}

export async function fetchEngine(cacheDir: string, engine: EngineManifest): Promise<FetchResult> {
  const dir = jarsDir(cacheDir, engine)
  if (await isFetched(cacheDir, engine)) return { engine, dir, fetched: false, ...(await jarsSize(dir)) }
  const staging = `${dir}.partial`
  await rm(staging, { recursive: true, force: true })
  await mkdir(staging, { recursive: true })
  await copyDependencies(engine, staging, path.join(path.dirname(dir), 'maven.log'))
  await writeFile(markerPath(staging), await manifestHash(engine))
  await rm(dir, { recursive: true, force: true })
  await rename(staging, dir)
  return { engine, dir, fetched: true, ...(await jarsSize(dir)) }
}

/**
 * The pinned spark-connect jar, the one jar the protocol needs: from the fetched engines, or fetched alone
 * (a fresh clone type-checks before any `traffic engines fetch`).
 */
async function sparkConnectJar(cacheDir: string): Promise<string> {
  const name = sparkConnectJarName(SPARK.version)
  const fromEngines = path.join(jarsDir(cacheDir, SPARK), name)
  if (existsSync(fromEngines)) return fromEngines
  const dir = path.join(path.dirname(jarsDir(cacheDir, SPARK)), 'connect-jar')
  const alone = path.join(dir, name)
  if (existsSync(alone)) return alone
  await checkMaven()
  const staging = `${dir}.partial`
  await rm(staging, { recursive: true, force: true })
  const { groupId, artifactId } = SPARK_CONNECT_ARTIFACT
  const artifact = `${groupId}:${artifactId}:${SPARK.version}`
  const args = ['dependency:copy', `-Dartifact=${artifact}`, `-DoutputDirectory=${staging}`]
  await mkdir(path.dirname(dir), { recursive: true })
  await runMaven(`spark-connect ${SPARK.version}`, args, path.join(path.dirname(dir), 'maven-connect.log'))
  await rm(dir, { recursive: true, force: true })
  await rename(staging, dir)
  return alone
}

/**
 * Engines fetched only when asked for: `s3`, the local S3 server (S3Proxy) of object-storage setups and Spark's S3A
 * connector (also fetched by itself whenever an s3:// location is configured).
 */
export const OPTIONAL_ENGINES = { s3: [S3PROXY, S3A] } as const
export type OptionalEngine = keyof typeof OPTIONAL_ENGINES

/** Fetches both engines (and Spark Connect's protos out of the Spark jar), plus `extras`; a no-op when cached. */
export async function fetchEngines(
  cacheDir: string,
  extras: readonly EngineManifest[] = [],
): Promise<FetchResult[]> {
  await checkJava()
  const needed = [...new Set([KAFKA, SPARK, ...extras])]
  const missing = []
  for (const engine of needed) if (!(await isFetched(cacheDir, engine))) missing.push(engine)
  if (missing.length) await checkMaven()
  const results = []
  for (const engine of needed) results.push(await fetchEngine(cacheDir, engine))
  await extractPinnedProtos(cacheDir)
  return results
}

export interface SparkProtocol {
  protosDir: string
  /** False when the types were already generated from these protos. */
  generated: boolean
}

/**
 * The pinned protocol ready for the client: protos extracted (the connect jar fetched alone if need be) and
 * their TypeScript types generated. Runs before every typecheck and `npm start`; cheap when up to date.
 */
export async function prepareSparkProtocol(cacheDir: string): Promise<SparkProtocol> {
  const protosDir = sparkProtosDir(cacheDir)
  if (!hasSparkProtos(protosDir)) {
    const jar = await sparkConnectJar(cacheDir)
    await withTrafficErrors(() => extractSparkProtos(jar, protosDir))
  }
  return { protosDir, ...generateProtocolTypes(protosDir) }
}
