// Retries as a decorator driven by a policy (exponential backoff with a cap), so the transport stays
// free of retry loops. Used where a retry is safe: reaching the server, before any plan has run.
import pRetry from 'p-retry'

export interface RetryPolicy {
  /** Total attempts, the first one included. */
  attempts: number
  initialDelayMs: number
  maxDelayMs: number
  multiplier: number
}

/** About 3 s of patience: enough for a server that is still binding its port. */
export const CONNECT_RETRY_POLICY: RetryPolicy = {
  attempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 1600,
  multiplier: 2,
}

export function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  shouldRetry: (error: unknown) => boolean,
): Promise<T> {
  return pRetry(operation, {
    retries: policy.attempts - 1,
    minTimeout: policy.initialDelayMs,
    maxTimeout: policy.maxDelayMs,
    factor: policy.multiplier,
    shouldRetry: ({ error }) => shouldRetry(error),
  })
}
