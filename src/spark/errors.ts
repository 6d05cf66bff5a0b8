// The one place where a gRPC failure becomes a project error. Spark's own error class, SQLSTATE and
// message parameters (from the ErrorInfo detail the server attaches) travel with it.
import { status as GrpcStatus, type ServiceError } from '@grpc/grpc-js'
import { TrafficError, type TrafficErrorOptions } from '../errors.ts'
import { decodeStatusDetails, type StatusDetails } from './status-details.ts'

export const SPARK_UNAVAILABLE_HINT = 'start it with `traffic engines start` or set SPARK_REMOTE'

export interface SparkErrorDetails {
  grpcCode: number
  /** Spark's error condition, e.g. `TABLE_OR_VIEW_NOT_FOUND`. */
  errorClass?: string
  sqlState?: string
  messageParameters: Record<string, string>
  /** The JVM exception class, e.g. `org.apache.spark.sql.AnalysisException`. */
  exceptionClass?: string
}

export class SparkConnectError extends TrafficError {
  readonly details: SparkErrorDetails

  constructor(
    code: 'SPARK_ERROR' | 'SPARK_UNAVAILABLE',
    message: string,
    details: SparkErrorDetails,
    options: TrafficErrorOptions = {},
  ) {
    super(code, message, options)
    this.name = 'SparkConnectError'
    this.details = details
  }

  get errorClass(): string | undefined {
    return this.details.errorClass
  }

  get sqlState(): string | undefined {
    return this.details.sqlState
  }
}

function isServiceError(error: unknown): error is ServiceError {
  return (
    error instanceof Error && typeof (error as Partial<ServiceError>).code === 'number' && 'metadata' in error
  )
}

function statusDetails(error: ServiceError): StatusDetails | undefined {
  const raw = error.metadata?.get('grpc-status-details-bin')[0]
  if (!Buffer.isBuffer(raw)) return undefined
  try {
    return decodeStatusDetails(raw)
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
      'SPARK_ERROR',
      `Spark Connect at ${target} refused the session: ${error.details || 'not authenticated'}`,
      details,
      { hint: 'set the server’s token in SPARK_REMOTE, e.g. sc://host:port/;token=…', cause: error },
    )
  }
  if (error.code === GrpcStatus.UNAVAILABLE && UNTRUSTED_CERTIFICATE.test(error.details)) {
    return new SparkConnectError(
      'SPARK_ERROR',
      `The TLS certificate of Spark Connect at ${target} is not trusted (${connectionProblem(error.details)})`,
      details,
      {
        hint: 'set SPARK_SSL_CA_FILE to the PEM file of the CA that signed the server’s certificate',
        cause: error,
      },
    )
  }
  return undefined
}

/** Any failure of a Spark Connect call, as a TrafficError (SPARK_UNAVAILABLE or SPARK_ERROR). */
export function toSparkError(error: unknown, target: string): TrafficError {
  if (error instanceof TrafficError) return error
  if (!isServiceError(error)) {
    const message = error instanceof Error ? error.message : String(error)
    return new TrafficError('SPARK_ERROR', `Spark Connect (${target}): ${message}`, { cause: error })
  }
  const refused = securityProblem(error, target)
  if (refused) return refused
  if (error.code === GrpcStatus.UNAVAILABLE) {
    return new SparkConnectError(
      'SPARK_UNAVAILABLE',
      `Spark Connect at ${target} is unreachable (${connectionProblem(error.details)})`,
      { grpcCode: error.code, messageParameters: {} },
      { hint: SPARK_UNAVAILABLE_HINT, canRetry: true, cause: error },
    )
  }
  const status = statusDetails(error)
  const metadata = status?.errorInfo?.metadata ?? {}
  const details: SparkErrorDetails = {
    grpcCode: error.code,
    errorClass: metadata.errorClass,
    sqlState: metadata.sqlState,
    messageParameters: parseParameters(metadata.messageParameters),
    exceptionClass: status?.errorInfo?.reason,
  }
  const message = (error.details || status?.message || error.message).trim()
  return new SparkConnectError('SPARK_ERROR', `Spark: ${message}`, details, {
    canRetry: status?.retryable ?? false,
    cause: error,
  })
}

/** The same Spark error with what we were doing in front, e.g. `ML fit of …RandomForestRegressor: …`. */
export function withContext(error: unknown, context: string): unknown {
  if (!(error instanceof SparkConnectError) || error.code !== 'SPARK_ERROR') return error
  const message = `Spark: ${context}: ${error.message.replace(/^Spark: /, '')}`
  return new SparkConnectError('SPARK_ERROR', message, error.details, {
    canRetry: error.canRetry,
    cause: error,
  })
}
