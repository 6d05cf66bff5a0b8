// The model registry (GET /models/versions), loaded at once and again every few seconds, so a promotion shows
// up without a reload. A failed load keeps the last answer beside the error.
import { useEffect, useState } from 'react'
import { ApiError, api } from './api/client.ts'
import type { RegistryView } from './api/contract.ts'
import type { Loaded } from './useLoad.ts'

const POLL_MS = 5000

/** An API from before the registry answers 404 (and so does the UI server's forwarder of an older build). */
export const noRegistryEndpoint = (error: Error | undefined) =>
  error instanceof ApiError && error.status === 404

export function useModelVersions(): Loaded<RegistryView> {
  const [state, setState] = useState<Loaded<RegistryView>>({ loading: true })
  useEffect(() => {
    let current = true
    let timer: number | undefined
    let last: string | undefined
    const load = () =>
      api.modelVersions().then(
        (data) => {
          // The same answer again keeps the same object: the charts are not redrawn every few seconds.
          const text = JSON.stringify(data)
          const same = text === last
          last = text
          if (current)
            setState((previous) =>
              same ? { ...previous, error: undefined, loading: false } : { data, loading: false },
            )
        },
        (error: unknown) =>
          current &&
          setState(({ data }) => ({
            data,
            error: error instanceof Error ? error : new Error(String(error)),
            loading: false,
          })),
      )
    const poll = () =>
      load().finally(() => {
        if (current) timer = window.setTimeout(poll, POLL_MS)
      })
    poll()
    return () => {
      current = false
      window.clearTimeout(timer)
    }
  }, [])
  return state
}
