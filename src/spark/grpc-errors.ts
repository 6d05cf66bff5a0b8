// The one place where a gRPC failure becomes a SparkConnectError: the server's status details (Spark's error
// class, SQLSTATE, message parameters) read from the call's trailers.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js'
import { SparkConnectError, type SparkErrorDetails } from './errors.ts'
import type { StatusDecoder, StatusDetails } from './status-details.ts'

function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error
  )
}

function statusDetails(error: ServiceError, decode: StatusDecoder | undefined): StatusDetails | undefined {
  const raw = error.metadata?.get('grpc-status-details-bin')[0]
  if (!decode || !Buffer.isBuffer(raw)) return undefined
  try {
    return decode(raw)
  } catch {
    return undefined
  }
}

/** grpc-js wraps the socket error in prose ("No connection established. Last error: Error: …"); keep the error. */
function connectionProblem(details: string): string {
  const match = /Last error: (?:Error: )?(.*?)\.?(?: Resolution note:.*)?$/s.exec(details)
  return (match?.[1] ?? details).trim()
}

function parseParameters(json: string | undefined): Record<string, string> {
  if (!json) return {}
  try {
    return JSON.parse(json) as Record<string, string>
  } catch {
    return {}
  }
}

/** What the TLS handshake says about a certificate no trusted CA signed (Node's words, e.g. "self-signed"). */
const UNTRUSTED_CERTIFICATE =
  /self[- ]signed certificate|unable to (?:verify|get local issuer)|certificate has expired|Hostname\/IP does not match/i

/**
 * A missing or wrong token, or a server certificate we do not trust: not retryable, and the message names the
 * setting to fix (never the token itself).
 */
function securityProblem(error: ServiceError, target: string): SparkConnectError | undefined {
  const details = { grpcCode: error.code, messageParameters: {} }
  if (error.code === GrpcStatus.UNAUTHENTICATED || error.code === GrpcStatus.PERMISSION_DENIED) {
    return new SparkConnectError(
      'UNAUTHENTICATED',
      `Spark Connect at ${target} refused the session: ${error.details || 'not authenticated'}`,
      {
        hint: 'put the server’s token in the connection string: sc://host:port/;token=…',
        cause: error,
        details,
      },
    )
  }
  if (error.code === GrpcStatus.UNAVAILABLE && UNTRUSTED_CERTIFICATE.test(error.details)) {
    return new SparkConnectError(
      'UNTRUSTED_CERTIFICATE',
      `The TLS certificate of Spark Connect at ${target} is not trusted (${connectionProblem(error.details)})`,
      {
        hint: 'pass the CA that signed the server’s certificate (the caCertificate option)',
        cause: error,
        details,
      },
    )
  }
  return undefined
}

/**
 * Any failure of a Spark Connect call, as a SparkConnectError; `decode` reads the server's status details,
 * `deadlineMs` is the call's deadline (for the message of one that passed).
 */
export function toSparkError(
  error: unknown,
  target: string,
  decode?: StatusDecoder,
  deadlineMs?: number,
): SparkConnectError {
  if (error instanceof SparkConnectError) return error
  if (!isServiceError(error)) {
    const message = error instanceof Error ? error.message : String(error)
    return new SparkConnectError('SERVER_ERROR', `Spark Connect (${target}): ${message}`, { cause: error })
  }
  const refused = securityProblem(error, target)
  if (refused) return refused
  if (error.code === GrpcStatus.UNAVAILABLE) {
    return new SparkConnectError(
      'UNAVAILABLE',
      `Spark Connect at ${target} is unreachable (${connectionProblem(error.details)})`,
      { canRetry: true, cause: error, details: { grpcCode: error.code, messageParameters: {} } },
    )
  }
  if (error.code === GrpcStatus.DEADLINE_EXCEEDED) {
    const within = deadlineMs === undefined ? 'in time' : `within ${deadlineMs / 1000} s`
    return new SparkConnectError('TIMEOUT', `Spark Connect at ${target} did not answer ${within}`, {
      canRetry: true,
      cause: error,
      details: { grpcCode: error.code, messageParameters: {} },
    })
  }
  const status = statusDetails(error, decode)
  const metadata = status?.errorInfo?.metadata ?? {}
  const details: SparkErrorDetails = {
    grpcCode: error.code,
    errorClass: metadata.errorClass,
    sqlState: metadata.sqlState,
    messageParameters: parseParameters(metadata.messageParameters),
    exceptionClass: status?.errorInfo?.reason,
  }
  const message = (error.details || status?.message || error.message).trim()
  return new SparkConnectError('SERVER_ERROR', `Spark: ${message}`, {
    canRetry: status?.retryable ?? false,
    cause: error,
    details,
  })
}
