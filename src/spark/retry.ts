// Retries as a decorator driven by a policy (exponential backoff with a cap), so the transport stays
// free of retry loops. Used where a retry is safe: reaching the server, before any plan has run.

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

export function retryDelays(policy: RetryPolicy): number[] {
  const delays: number[] = []
  for (let attempt = 1; attempt < policy.attempts; attempt++) {
    delays.push(Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1)))
  }
  return delays
}

export async function withRetry<T>(
  operation: () => Promise<T>,
  policy: RetryPolicy,
  shouldRetry: (error: unknown) => boolean,
): Promise<T> {
  const delays = retryDelays(policy)
  for (let attempt = 0; ; attempt++) {
    try {
      return await operation()
    } catch (error) {
      const delay = delays[attempt]
      if (delay === undefined || !shouldRetry(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}
