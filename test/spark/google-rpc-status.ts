// Test helper: the google.rpc.Status trailer a Spark Connect server sends, encoded with the real google/rpc
// protos of the pinned jar.
import { protocol } from './wire.ts'

export { protosDir } from './wire.ts'

function any(typeName: string, value: object): { type_url: string; value: Uint8Array } {
  const type = protocol.lookupType(typeName)
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
  const status = protocol.lookupType('google.rpc.Status')
  return Buffer.from(status.encode(status.fromObject({ code, message, details })).finish())
}
