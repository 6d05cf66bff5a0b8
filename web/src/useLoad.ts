// Load something when it becomes possible (e.g. the API is up), again each time it does; keeps the last result
// while reloading.
import { useEffect, useState } from 'react'

export interface Loaded<T> {
  data?: T
  error?: Error
  loading: boolean
}

export function useLoad<T>(load: () => Promise<T>, ready: boolean): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: ready })
  // biome-ignore lint/correctness/useExhaustiveDependencies: `load` is a fresh closure each render; `ready` says when
  useEffect(() => {
    if (!ready) return
    let current = true
    setState((previous) => ({ ...previous, loading: true }))
    load().then(
      (data) => current && setState({ data, loading: false }),
      (error: unknown) =>
        current &&
        setState({ error: error instanceof Error ? error : new Error(String(error)), loading: false }),
    )
    return () => {
      current = false
    }
  }, [ready])
  return state
}
