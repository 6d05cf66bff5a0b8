// The models in service and the training outputs shown next to them (report.json, analytics.json). A reload builds
// the complete new state first and then swaps one reference, so a request always sees one consistent state and
// none fails while models change. Reloads run one at a time.
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { ANALYTICS_FILE, REPORT_FILE, VERSION_FILE } from '../../contract/models.ts'
import { describeError } from '../../errors.ts'
import type { ModelId } from '../../serving/model-catalog.ts'
import { loadModelSet, type ModelSet, type ModelSlot } from '../../serving/model-set.ts'
import type { ModelsSource, ModelsWatch } from './models-source.ts'

export interface RegistryState {
  models: ModelSet
  /** Parsed report.json / analytics.json from the models folder, or null when absent or unreadable. */
  report: unknown
  analytics: unknown
  /** The id of the loaded version (its version.json), or null when it has none. */
  version: string | null
  loadedAt: Date
}

export class ModelRegistry {
  readonly #source: ModelsSource
  readonly #log: FastifyBaseLogger
  #state: RegistryState = {
    models: new Map(),
    report: null,
    analytics: null,
    version: null,
    loadedAt: new Date(0),
  }
  #queue: Promise<unknown> = Promise.resolve()
  #watcher: ModelsWatch | undefined

  constructor(source: ModelsSource, log: FastifyBaseLogger) {
    this.#source = source
    this.#log = log
  }

  get state(): RegistryState {
    return this.#state
  }

  slot(id: ModelId): ModelSlot | undefined {
    return this.#state.models.get(id)
  }

  get allLoaded(): boolean {
    const slots = [...this.#state.models.values()]
    return slots.length > 0 && slots.every((slot) => slot.model !== null)
  }

  /** Reloads from disk (after any reload already under way) and returns the new state. */
  reload(): Promise<RegistryState> {
    const next = this.#queue.then(() => this.#load())
    this.#queue = next.catch(() => undefined)
    return next
  }

  /** Reloads by itself when other models are published (for a folder: anything under it changes). */
  watch(debounceMs: number): void {
    this.#watcher ??= this.#source.watch(
      () => this.reload().catch((error) => this.#log.error({ err: error }, 'model reload failed')),
      (error) => this.#log.warn({ error: describeError(error) }, 'cannot look for new models'),
      debounceMs,
    )
  }

  close(): void {
    this.#watcher?.close()
    this.#watcher = undefined
  }

  async #load(): Promise<RegistryState> {
    const dir = await this.#source.resolve()
    const [models, report, analytics, version] = await Promise.all([
      loadModelSet(dir, this.#state.models),
      this.#readJson(dir, REPORT_FILE),
      this.#readJson(dir, ANALYTICS_FILE),
      this.#readJson(dir, VERSION_FILE),
    ])
    for (const slot of models.values()) {
      const before = this.#state.models.get(slot.spec.id)?.model
      if (slot.detail)
        this.#log.warn(
          {
            model: slot.spec.id,
            models: this.#source.location,
            error: slot.detail,
            kept: slot.model !== null,
          },
          'model not (re)loaded',
        )
      else if (slot.model && slot.model !== before)
        this.#log.info({ model: slot.spec.id, uid: slot.model.uid }, 'model loaded')
    }
    const id = (version as { id?: unknown } | null)?.id
    this.#state = {
      models,
      report,
      analytics,
      version: typeof id === 'string' ? id : null,
      loadedAt: new Date(),
    }
    return this.#state
  }

  async #readJson(dir: string, name: string): Promise<unknown> {
    const file = path.join(dir, name)
    try {
      return JSON.parse(await readFile(file, 'utf8'))
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.#log.warn({ file, error: describeError(error) }, 'unreadable')
      return null
    }
  }
}
