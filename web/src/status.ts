// Whether the API answers and which models it has loaded, re-checked every few seconds so the page recovers
// by itself when the API comes (back) up.
import { useCallback, useEffect, useState } from 'react'
import { ApiError, api } from './api/client.ts'
import type { RootResponse } from './api/contract.ts'
import { loadedFlag, type ModelView } from './models.ts'

export type ApiStatus =
  | { state: 'checking' }
  | { state: 'up'; root: RootResponse; checkedAt: Date }
  | { state: 'down'; reason: string; unreachable: boolean; checkedAt: Date }

export const START_COMMANDS = {
  all: 'npm start',
  api: 'npx traffic serve',
  train: 'npx traffic train',
}

export function useApiStatus(intervalMs = 10_000): [ApiStatus, () => void] {
  const [status, setStatus] = useState<ApiStatus>({ state: 'checking' })
  const check = useCallback(async () => {
    try {
      setStatus({ state: 'up', root: await api.root(), checkedAt: new Date() })
    } catch (error) {
      setStatus({
        state: 'down',
        reason: error instanceof Error ? error.message : String(error),
        unreachable: error instanceof ApiError && error.unreachable,
        checkedAt: new Date(),
      })
    }
  }, [])
  useEffect(() => {
    void check()
    const timer = setInterval(check, intervalMs)
    return () => clearInterval(timer)
  }, [check, intervalMs])
  return [status, check]
}

export function modelLoaded(status: ApiStatus, model: ModelView): boolean {
  return status.state === 'up' && status.root.models_status[loadedFlag(model)] === true
}
