// The Spark Connect protocol, taken from a spark-connect jar (never committed): extraction into a folder
// the caller chooses, then runtime loading with @grpc/proto-loader.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import AdmZip from 'adm-zip'
import { SparkConnectError } from './errors.ts'

/** The entry point of the protocol; everything else is reached through its imports. */
const ROOT_PROTO = 'spark/connect/base.proto'
/**
 * Spark's own protos, the well-known types they import (any, timestamp) and google.rpc's Status and error
 * details (what a failed call carries), all bundled in the jar.
 */
const WANTED = /^(spark\/connect|google\/protobuf|google\/rpc)\/[^/]+\.proto$/

export interface ExtractResult {
  protosDir: string
  files: number
  /** Files that were missing or different; 0 when the folder was already up to date. */
  written: number
}

/** The Maven artifact holding the protocol (Scala 2.13 build). */
export const SPARK_CONNECT_ARTIFACT = { groupId: 'org.apache.spark', artifactId: 'spark-connect_2.13' }

/** The jar name of Spark Connect `version`, as Maven Central has it. */
export function sparkConnectJarName(version: string): string {
  return `${SPARK_CONNECT_ARTIFACT.artifactId}-${version}.jar`
}

/** The protos the client loads and generates types from; every other one is reached through their imports. */
export const ENTRY_PROTOS = [
  'spark/connect/base.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
]

/** Copies spark/connect/*.proto (and the google/ protos they use) out of a spark-connect jar. Idempotent. */
export function extractSparkProtos(jar: string, outDir: string): ExtractResult {
  if (!existsSync(jar)) {
    throw new SparkConnectError('JAR_MISSING', `The Spark Connect jar is missing: ${jar}`, {
      hint: 'download the spark-connect jar of the server’s version',
    })
  }
  const zip = new AdmZip(jar)
  let files = 0
  let written = 0
  for (const entry of zip.getEntries()) {
    if (entry.isDirectory || !WANTED.test(entry.entryName)) continue
    files++
    const target = path.join(outDir, entry.entryName)
    const content = entry.getData()
    if (existsSync(target) && readFileSync(target).equals(content)) continue
    mkdirSync(path.dirname(target), { recursive: true })
    // Write then rename, so a concurrent reader never sees half a file.
    const temp = `${target}.${process.pid}.tmp`
    writeFileSync(temp, content)
    renameSync(temp, target)
    written++
  }
  if (!existsSync(path.join(outDir, ROOT_PROTO))) {
    throw new SparkConnectError('JAR_INVALID', `No ${ROOT_PROTO} inside ${jar}`)
  }
  return { protosDir: outDir, files, written }
}

/** True when `protosDir` holds an extracted protocol (a folder extracted by an older client may lack some). */
export function hasSparkProtos(protosDir: string): boolean {
  return ENTRY_PROTOS.every((proto) => existsSync(path.join(protosDir, proto)))
}

export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  // int64 values arrive as decimal strings: no silent precision loss; callers convert where safe.
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
}

const serviceCache = new Map<string, grpc.ServiceClientConstructor>()

/** The generated-at-runtime client class of `spark.connect.SparkConnectService`. */
export function loadSparkConnectService(protosDir: string): grpc.ServiceClientConstructor {
  const cached = serviceCache.get(protosDir)
  if (cached) return cached
  const definition = protoLoader.loadSync(ROOT_PROTO, { ...PROTO_LOADER_OPTIONS, includeDirs: [protosDir] })
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    spark: { connect: { SparkConnectService: grpc.ServiceClientConstructor } }
  }
  const service = loaded.spark.connect.SparkConnectService
  serviceCache.set(protosDir, service)
  return service
}
