// Where the Spark Connect client's errors (src/spark knows nothing of this project) become TrafficErrors, with
// this project's codes and advice (commands, env vars). Every app module that drives Spark runs through here.
import { SPARK } from './engines/manifest.ts'
import { type ErrorCode, TrafficError } from './errors.ts'
import { isSparkConnectError, type SparkConnectErrorCode } from './spark/index.ts'

export const SPARK_UNAVAILABLE_HINT = 'start it with `traffic engines start` or set SPARK_REMOTE'

const ERROR_CODES: Record<SparkConnectErrorCode, ErrorCode> = {
  UNAVAILABLE: 'SPARK_UNAVAILABLE',
  TIMEOUT: 'SPARK_ERROR',
  SERVER_ERROR: 'SPARK_ERROR',
  UNAUTHENTICATED: 'SPARK_ERROR',
  UNTRUSTED_CERTIFICATE: 'SPARK_ERROR',
  VERSION_MISMATCH: 'SPARK_ERROR',
  INVALID_ARGUMENT: 'INVALID_INPUT',
  INVALID_REMOTE: 'INVALID_CONFIG',
  JAR_MISSING: 'PREREQUISITE_MISSING',
  JAR_INVALID: 'ENGINE_FETCH_FAILED',
}

/** Advice in this project's terms (commands, env vars) where the client's own would be generic. */
const HINTS: Partial<Record<SparkConnectErrorCode, string>> = {
  UNAVAILABLE: SPARK_UNAVAILABLE_HINT,
  TIMEOUT: 'the server is up but not answering (stalled or overloaded): see `traffic engines logs spark`',
  UNAUTHENTICATED: 'set the server’s token in SPARK_REMOTE, e.g. sc://host:port/;token=…',
  UNTRUSTED_CERTIFICATE:
    'set SPARK_SSL_CA_FILE to the PEM file of the CA that signed the server’s certificate',
  VERSION_MISMATCH: `point SPARK_REMOTE at a Spark ${SPARK.version.split('.').slice(0, 2).join('.')}.x server, or unset it to use the local one`,
  JAR_MISSING: 'run `traffic engines fetch`',
}

/** A Spark Connect client error as the TrafficError the CLI and API show; anything else unchanged. */
export function toTrafficError(error: unknown): unknown {
  if (!isSparkConnectError(error)) return error
  return new TrafficError(ERROR_CODES[error.code], error.message, {
    hint: HINTS[error.code] ?? error.hint,
    canRetry: error.canRetry,
    cause: error,
  })
}

/** Runs work that uses the Spark client; its failures come out as TrafficErrors. */
export async function withTrafficErrors<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw toTrafficError(error)
  }
}
