// Shared action wrapper: turns any failure into a clear message and a non-zero exit, never a stack trace.
import { describeError } from '../errors.ts'

/**
 * How long a finished command waits for its handles to close before it exits anyway. A client library can leave a
 * retry timer behind after its connections closed (seen with a consumer that had left its group), which would keep a
 * finished `traffic consume` alive for minutes; the timer is unref'd, so a process that ends by itself never waits.
 */
const EXIT_GRACE_MS = 3_000

export function action<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args)
    } catch (error) {
      process.stderr.write(`✖ ${describeError(error)}\n`)
      if (process.env.TRAFFIC_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
      process.exitCode = 1
    }
    setTimeout(() => process.exit(), EXIT_GRACE_MS).unref()
  }
}

/** Resolves on the first Ctrl+C (SIGINT) or SIGTERM, with the signal's name. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
}

/** A command's stop signal: aborted by the first Ctrl+C (SIGINT) or SIGTERM, so the run can end cleanly. */
export function stopSignal(): AbortSignal {
  const controller = new AbortController()
  void untilSignal().then(() => controller.abort())
  return controller.signal
}
