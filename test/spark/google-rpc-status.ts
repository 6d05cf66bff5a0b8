// Test helper: the google.rpc.Status trailer a Spark Connect server sends, encoded with the real google/rpc
// protos of the pinned jar.
import path from 'node:path'
import protobuf from 'protobufjs'
import { loadConfig } from '../../src/config.ts'
import { ensureSparkProtos } from '../../src/engines/spark-connect.ts'

export const protosDir = await ensureSparkProtos(loadConfig().engines.cacheDir)
const root = new protobuf.Root()
root.resolvePath = (_origin, target) => path.join(protosDir, target)
root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true })

function any(typeName: string, value: object): { type_url: string; value: Uint8Array } {
  const type = root.lookupType(typeName)
  return { type_url: `type.googleapis.com/${typeName}`, value: type.encode(type.fromObject(value)).finish() }
}

export function encodeStatus(
  code: number,
  message: string,
  metadata: Record<string, string>,
  retry = false,
): Buffer {
  const details = [
    any('google.rpc.ErrorInfo', {
      reason: 'org.apache.spark.sql.AnalysisException',
      domain: 'org.apache.spark',
      metadata,
    }),
    ...(retry ? [any('google.rpc.RetryInfo', { retry_delay: { seconds: 1 } })] : []),
  ]
  const status = root.lookupType('google.rpc.Status')
  return Buffer.from(status.encode(status.fromObject({ code, message, details })).finish())
}
