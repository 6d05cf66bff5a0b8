// One error type for the whole project: a stable code, a message that says what to do, and whether a retry
// can help. The CLI prints `message` (and `hint`) and exits non-zero; nothing else is shown to the user.

export type ErrorCode =
  | 'PREREQUISITE_MISSING'
  | 'ENGINE_FETCH_FAILED'
  | 'ENGINE_START_FAILED'
  | 'ENGINE_NOT_RUNNING'
  | 'PORT_IN_USE'
  | 'INVALID_CONFIG'
  | 'INVALID_RECORD'
  | 'INVALID_INPUT'
  | 'KAFKA_ERROR'
  | 'SPARK_ERROR'
  | 'SPARK_UNAVAILABLE'
  | 'NOT_ENOUGH_DATA'
  | 'MODEL_UNSUPPORTED'
  | 'MODEL_NOT_FOUND'
  | 'IO_ERROR'
  | 'STORAGE_ERROR'
  | 'INTERRUPTED'
  | 'TRAINING_RUNNING'
  | 'UI_BUILD_FAILED'

export interface TrafficErrorOptions {
  /** What the user can do about it, e.g. the command to run. */
  hint?: string
  canRetry?: boolean
  cause?: unknown
}

export class TrafficError extends Error {
  readonly code: ErrorCode
  readonly hint: string | undefined
  readonly canRetry: boolean

  constructor(code: ErrorCode, message: string, options: TrafficErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TrafficError'
    this.code = code
    this.hint = options.hint
    this.canRetry = options.canRetry ?? false
  }
}

/** A run the user stopped (Ctrl+C or SIGTERM) ends with INTERRUPTED, wherever the stop is noticed. */
export function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new TrafficError('INTERRUPTED', 'stopped by the user (Ctrl+C)')
}

export function isTrafficError(error: unknown, code?: ErrorCode): error is TrafficError {
  return error instanceof TrafficError && (code === undefined || error.code === code)
}

/** The text shown to a person for any thrown value. */
export function describeError(error: unknown): string {
  if (error instanceof TrafficError) {
    return error.hint ? `${error.message}\n  → ${error.hint}` : error.message
  }
  return error instanceof Error ? error.message : String(error)
}
