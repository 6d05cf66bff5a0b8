// What the API serves and what the trainer recorded (GET /models), per model, loaded each time a page that shows
// it opens with the API up.
import { api } from './api/client.ts'
import { type ModelSummary, summarize } from './api/reports.ts'
import { MODELS } from './models.ts'
import type { ApiStatus } from './status.ts'
import { type Loaded, useLoad } from './useLoad.ts'

export function useModelSummaries(status: ApiStatus): Loaded<ModelSummary[]> {
  return useLoad(async () => summarize(MODELS, await api.models()), status.state === 'up')
}
