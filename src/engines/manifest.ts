// The pinned engines. Versions are read from the Maven manifests in engines/, their single source of truth.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export type EngineName = 'kafka' | 'spark' | 's3proxy' | 's3a'

export interface EngineManifest {
  name: EngineName
  version: string
  /** The pom.xml that lists the engine's artifacts. */
  pom: string
}

const enginesRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../engines')

function pinnedVersion(pom: string, property: string): string {
  const match = readFileSync(pom, 'utf8').match(new RegExp(`<${property}>([^<]+)</${property}>`))
  if (!match?.[1]) throw new Error(`${pom} does not pin <${property}>`)
  return match[1]
}

function manifest(name: EngineName, property: string): EngineManifest {
  const pom = path.join(enginesRoot, name, 'pom.xml')
  return { name, version: pinnedVersion(pom, property), pom }
}

export const KAFKA = manifest('kafka', 'kafka.version')
export const SPARK = manifest('spark', 'spark.version')
export const S3PROXY = manifest('s3proxy', 's3proxy.version')
/** Hadoop's S3A connector and the AWS SDK modules it loads, for Spark's `s3a://` paths; its version is Hadoop's. */
export const S3A = manifest('s3a', 'hadoop.version')

/** Where an engine's jars live in the cache: `<cacheDir>/<name>-<version>/jars`. */
export function jarsDir(cacheDir: string, engine: EngineManifest): string {
  return path.join(cacheDir, `${engine.name}-${engine.version}`, 'jars')
}

/** Spark Connect's .proto files, extracted from the pinned jar by `traffic engines fetch`. */
export function sparkProtosDir(cacheDir: string): string {
  return path.join(cacheDir, `spark-${SPARK.version}`, 'protos')
}
