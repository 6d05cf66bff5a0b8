// Reads the `grpc-status-details-bin` trailer (a google.rpc.Status) where Spark Connect puts a
// google.rpc.ErrorInfo with the error class, SQLSTATE and exception classes, and a google.rpc.RetryInfo when a
// retry may help. Decoded with the google/rpc protos the spark-connect jar bundles (extracted with the rest).
import path from 'node:path'
import protobuf from 'protobufjs'
import type { ErrorInfo__Output, Status__Output } from './protocol.ts'

export interface ErrorInfo {
  reason: string
  domain: string
  metadata: Record<string, string>
}

export interface StatusDetails {
  code: number
  message: string
  errorInfo?: ErrorInfo
  /** The server attached a google.rpc.RetryInfo: the request is safe to send again. */
  retryable: boolean
}

export type StatusDecoder = (trailer: Buffer) => StatusDetails

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo'
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo'
/** As the runtime loader reads messages: field names as in the protos. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false }

const decoders = new Map<string, StatusDecoder>()

/** A decoder over google/rpc/{status,error_details}.proto of `protosDir`; one per folder. */
export function statusDecoder(protosDir: string): StatusDecoder {
  const cached = decoders.get(protosDir)
  if (cached) return cached
  const root = new protobuf.Root()
  root.resolvePath = (_origin, target) => path.join(protosDir, target)
  root.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto'], { keepCase: true })
  const status = root.lookupType('google.rpc.Status')
  const errorInfo = root.lookupType('google.rpc.ErrorInfo')
  const decode: StatusDecoder = (trailer) => {
    const decoded = status.toObject(status.decode(trailer), TO_OBJECT) as Status__Output
    const details = decoded.details ?? []
    const info = details.find((any) => any.type_url === ERROR_INFO)?.value
    const read = info
      ? (errorInfo.toObject(errorInfo.decode(info), TO_OBJECT) as ErrorInfo__Output)
      : undefined
    return {
      code: decoded.code ?? 0,
      message: decoded.message ?? '',
      ...(read
        ? {
            errorInfo: {
              reason: read.reason ?? '',
              domain: read.domain ?? '',
              metadata: read.metadata ?? {},
            },
          }
        : {}),
      retryable: details.some((any) => any.type_url === RETRY_INFO),
    }
  }
  decoders.set(protosDir, decode)
  return decode
}
