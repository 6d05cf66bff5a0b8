// The Spark Connect protocol, taken from the pinned spark-connect jar (never committed, never generated
// into the repo): extraction into the engines cache, then runtime loading with @grpc/proto-loader.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import AdmZip from 'adm-zip'
import { jarsDir, SPARK, sparkProtosDir } from '../engines/manifest.ts'
import { TrafficError } from '../errors.ts'

/** The entry point of the protocol; everything else is reached through its imports. */
const ROOT_PROTO = 'spark/connect/base.proto'
/** Spark's own protos plus the well-known types they import (any, timestamp), all bundled in the jar. */
const WANTED = /^(spark\/connect|google\/protobuf)\/[^/]+\.proto$/

export interface ExtractResult {
  protosDir: string
  files: number
  /** Files that were missing or different; 0 when the folder was already up to date. */
  written: number
}

function connectJar(jars: string): string {
  const jar = path.join(jars, `spark-connect_2.13-${SPARK.version}.jar`)
  if (!existsSync(jar)) {
    throw new TrafficError('PREREQUISITE_MISSING', `The Spark Connect jar is missing: ${jar}`, {
      hint: 'run `traffic engines fetch`',
    })
  }
  return jar
}

/** Copies spark/connect/*.proto (and google/protobuf/*.proto) out of the pinned jar. Idempotent. */
export function extractSparkProtos(jars: string, outDir: string): ExtractResult {
  const zip = new AdmZip(connectJar(jars))
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
    throw new TrafficError('ENGINE_FETCH_FAILED', `No ${ROOT_PROTO} inside ${connectJar(jars)}`)
  }
  return { protosDir: outDir, files, written }
}

/** The protos folder of the cache, extracted on first use when the jar is there but the folder is not. */
export function ensureSparkProtos(cacheDir: string): string {
  const dir = sparkProtosDir(cacheDir)
  if (!existsSync(path.join(dir, ROOT_PROTO))) extractSparkProtos(jarsDir(cacheDir, SPARK), dir)
  return dir
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
