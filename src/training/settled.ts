// Steps run side by side over one session: every one is awaited before a failure is passed on, so none still
// runs (or writes into a staged version) once the caller reacts to the failure.

/** The values of all `steps`, in order, once all have settled; the first failure if any failed. */
export async function allSettledOrThrow<T extends readonly unknown[]>(
  steps: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const outcomes = await Promise.allSettled(steps)
  const values = outcomes.map((outcome) => {
    if (outcome.status === 'rejected') throw outcome.reason
    return outcome.value
  })
  return values as { -readonly [K in keyof T]: Awaited<T[K]> }
}
