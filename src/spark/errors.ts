// The client's one error class, and the one place where a gRPC failure becomes one. Spark's own error class,
// SQLSTATE and message parameters (from the ErrorInfo detail the server attaches) travel with it. The client
// knows nothing of the application using it: callers map the codes to their own errors and advice.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js'
import type { StatusDecoder, StatusDetails } from './status-details.ts'

export type SparkConnectErrorCode =
  /** The server cannot be reached (retrying may help). */
  | 'UNAVAILABLE'
  /** The server did not answer within the call's deadline: stalled, or far too busy (retrying may help). */
  | 'TIMEOUT'
  /** The server ran the request and failed, or answered something the client cannot use. */
  | 'SERVER_ERROR'
  /** The server refused the session: a missing or wrong token. */
  | 'UNAUTHENTICATED'
  /** The TLS certificate of the server is signed by no trusted CA. */
  | 'UNTRUSTED_CERTIFICATE'
  /** The server runs a Spark version whose protocol this client does not speak. */
  | 'VERSION_MISMATCH'
  /** A plan builder or option was given a value it cannot use. */
  | 'INVALID_ARGUMENT'
  /** The connection string (`sc://…`) does not parse. */
  | 'INVALID_REMOTE'
  /** The spark-connect jar holding the protocol is not where the caller said. */
  | 'JAR_MISSING'
  /** The jar holds no Spark Connect protocol. */
  | 'JAR_INVALID'

export interface SparkErrorDetails {
  grpcCode: number
  /** Spark's error condition, e.g. `TABLE_OR_VIEW_NOT_FOUND`. */
  errorClass?: string
  sqlState?: string
  messageParameters: Record<string, string>
  /** The JVM exception class, e.g. `org.apache.spark.sql.AnalysisException`. */
  exceptionClass?: string
}

export interface SparkConnectErrorOptions {
  /** What the caller can do about it. */
  hint?: string
  canRetry?: boolean
  cause?: unknown
  /** What the server said about the failure, for failures that come from a server call. */
  details?: SparkErrorDetails
}

export class SparkConnectError extends Error {
  readonly code: SparkConnectErrorCode
  readonly hint: string | undefined
  readonly canRetry: boolean
  readonly details: SparkErrorDetails | undefined

  constructor(code: SparkConnectErrorCode, message: string, options: SparkConnectErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'SparkConnectError'
    this.code = code
    this.hint = options.hint
    this.canRetry = options.canRetry ?? false
    this.details = options.details
  }

  get errorClass(): string | undefined {
    return this.details?.errorClass
  }

  get sqlState(): string | undefined {
    return this.details?.sqlState
  }
}

export function isSparkConnectError(
  error: unknown,
  code?: SparkConnectErrorCode,
): error is SparkConnectError {
  return error instanceof SparkConnectError && (code === undefined || error.code === code)
}

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

/** The same Spark error with what we were doing in front, e.g. `ML fit of …RandomForestRegressor: …`. */
export function withContext(error: unknown, context: string): unknown {
  if (!isSparkConnectError(error, 'SERVER_ERROR')) return error
  const message = `Spark: ${context}: ${error.message.replace(/^Spark: /, '')}`
  return new SparkConnectError('SERVER_ERROR', message, {
    canRetry: error.canRetry,
    cause: error,
    details: error.details,
  })
}
