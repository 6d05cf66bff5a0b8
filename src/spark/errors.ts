// The client's one error class. Spark's own error class, SQLSTATE and message parameters (from the ErrorInfo
// detail the server attaches) travel with it. The client knows nothing of the application using it: callers map
// the codes to their own errors and advice. No dependency here, so the dependency-free parts of the client
// (remote.ts, ml-values.ts) can throw it; grpc-errors.ts turns gRPC failures into it.

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
