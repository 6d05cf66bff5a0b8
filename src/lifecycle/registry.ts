// The model registry, on top of the publishing seam (training/models-publisher.ts), the same on a folder and on a
// bucket. Every complete version carries `version.json` (what it was trained on, how, why, how well). The champion
// is the served version; the challenger is one small object (`aliases/challenger`). The promotion log is
// append-only: one object per entry, created exclusively at the next zero-padded number (`log/000000000001.json`),
// so two writers can never take the same number. Changes of champion or challenger run one at a time under a short
// lease in the same store, which keeps the log's order the order in which the served version really changed.
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Config } from '../config.ts'
import { REPORT_FILE } from '../contract/models.ts'
import { TrafficError } from '../errors.ts'
import { acquireLease } from '../storage/lease-lock.ts'
import { parseBatchFileName } from '../stream/batch-files.ts'
import type { Metrics } from '../training/evaluate.ts'
import type { ModelName } from '../training/model-specs.ts'
import { openModels, type PublishedModels, REGISTRY_KEYS } from '../training/models-publisher.ts'
import type { TrainingParams, TrainingReport } from '../training/report.ts'

export const VERSION_FILE = 'version.json'

export interface TrainingData {
  topic: string
  batches: number
  rows: number
  /** The offset ranges of the batch files read, per partition. */
  partitions: { partition: number; first: number; last: number }[]
}

export interface VersionRecord {
  id: string
  /** ISO time. */
  trainedAt: string
  /** Why it was trained: 'traffic train', 'new rows: 100000', 'schedule', 'drift: …'. */
  reason: string
  data: TrainingData
  /** Each model's learner in words, e.g. 'GBT 80 iterations, depth 6, 32 bins, step 0.2'. */
  learners: Record<ModelName, string>
  params: TrainingParams
  /** Held-out metrics of its own training. */
  metrics: Record<ModelName, Metrics>
}

export type Action = 'promote' | 'reject' | 'rollback'

/** Champion against challenger on the same newest held-out rows. */
export interface Comparison {
  rows: number
  models: Record<ModelName, { champion: Metrics; challenger: Metrics; better: boolean }>
}

export interface LogEntry {
  seq: number
  at: string
  action: Action
  /** The champion before (null for the first). */
  from: string | null
  /** The champion after; for 'reject', the rejected challenger. */
  to: string
  reason: string
  comparison?: Comparison
}

export interface Aliases {
  /** The served version. */
  champion: string | null
  challenger: string | null
}

export interface ModelRegistry {
  readonly location: string
  /** The complete versions, newest first. */
  list(): Promise<VersionRecord[]>
  get(id: string): Promise<VersionRecord | undefined>
  aliases(): Promise<Aliases>
  /** Oldest first. */
  log(): Promise<LogEntry[]>
  setChallenger(id: string | null): Promise<void>
  /** Serves `id` and logs it; clears the challenger if it was `id`. */
  promote(id: string, reason: string, comparison?: Comparison): Promise<LogEntry>
  /** Logs that the challenger `id` lost; clears the challenger if it was `id`. */
  reject(id: string, reason: string, comparison: Comparison | undefined): Promise<LogEntry>
  /** Serves again the champion before the last promotion not yet rolled back; an error when there is none. */
  rollback(reason: string): Promise<LogEntry>
  /**
   * Removes half-written versions and old complete ones, keeping the `keepVersions` newest, the champion, the
   * challenger and the versions the last `keepVersions` changes of champion name; only under the training lock.
   */
  cleanLeftovers(keepVersions: number): Promise<string[]>
}

const SEQ_DIGITS = 12
/** Long enough for any registry change (a few small objects), short enough that a killed CLI frees it soon. */
const LEASE_TTL_MS = 60_000
const LEASE_WAIT_MS = 60_000

function logKey(seq: number): string {
  return `${REGISTRY_KEYS.log}${String(seq).padStart(SEQ_DIGITS, '0')}.json`
}

function mapModels<T, U>(models: Record<ModelName, T>, map: (value: T) => U): Record<ModelName, U> {
  return Object.fromEntries(Object.entries(models).map(([name, value]) => [name, map(value as T)])) as Record<
    ModelName,
    U
  >
}

/** The offset ranges of the batch files (their names or paths), per partition. */
export function trainingData(topic: string, files: readonly string[], rows: number): TrainingData {
  const ranges = new Map<number, { partition: number; first: number; last: number }>()
  for (const file of files) {
    const batch = parseBatchFileName(path.basename(file))
    if (!batch) continue
    const range = ranges.get(batch.partition)
    const first = Number(batch.first)
    const last = Number(batch.last)
    ranges.set(batch.partition, {
      partition: batch.partition,
      first: Math.min(range?.first ?? first, first),
      last: Math.max(range?.last ?? last, last),
    })
  }
  const partitions = [...ranges.values()].sort((a, b) => a.partition - b.partition)
  return { topic, batches: files.length, rows, partitions }
}

/** The record of version `id` from its training report. */
export function versionRecord(
  id: string,
  report: TrainingReport,
  reason: string,
  data: TrainingData,
): VersionRecord {
  return {
    id,
    trainedAt: report.trainedAt,
    reason,
    data,
    learners: mapModels(report.models, (model) => model.learner),
    params: report.params,
    metrics: mapModels(report.models, (model) => model.metrics),
  }
}

function parseJson<T>(body: Buffer, what: string): T {
  try {
    return JSON.parse(body.toString('utf8')) as T
  } catch (error) {
    throw new TrafficError('STORAGE_ERROR', `${what} is not JSON`, { cause: error })
  }
}

/** The last promotion not rolled back yet: each rollback undoes the newest one still standing. */
function standingPromotion(log: readonly LogEntry[]): LogEntry | undefined {
  const standing: LogEntry[] = []
  for (const entry of log) {
    if (entry.action === 'promote') standing.push(entry)
    else if (entry.action === 'rollback') standing.pop()
  }
  return standing.at(-1)
}

/** The registry of the published models `models`. */
export function registryOf(models: PublishedModels): ModelRegistry {
  const store = models.registryStore

  async function record(id: string): Promise<VersionRecord | undefined> {
    const own = await models.readVersionFile(id, VERSION_FILE)
    if (own) return parseJson<VersionRecord>(own, `${VERSION_FILE} of ${id} in ${models.location}`)
    // A version trained before the registry: what its report says.
    const report = await models.readVersionFile(id, REPORT_FILE)
    if (!report) return undefined
    const trained = parseJson<TrainingReport>(report, `${REPORT_FILE} of ${id} in ${models.location}`)
    const data = { topic: '', batches: trained.batches.files, rows: trained.batches.rows, partitions: [] }
    return versionRecord(id, trained, 'trained before the registry', data)
  }

  async function log(): Promise<LogEntry[]> {
    const keys = await store.list(REGISTRY_KEYS.log)
    const entries = await Promise.all(keys.map((key) => store.get(key)))
    return entries.flatMap((entry, i) =>
      entry ? [parseJson<LogEntry>(entry.body, `${store.location}/${keys[i]}`)] : [],
    )
  }

  /** Appends `entry` at the next free number; an exclusive create, so no entry is lost or written twice. */
  async function append(entry: Omit<LogEntry, 'seq' | 'at'>): Promise<LogEntry> {
    for (;;) {
      const last = (await store.list(REGISTRY_KEYS.log)).at(-1)
      const seq = last ? Number(last.slice(REGISTRY_KEYS.log.length, -'.json'.length)) + 1 : 1
      const written: LogEntry = { seq, at: new Date().toISOString(), ...entry }
      if (await store.createIfAbsent(logKey(seq), `${JSON.stringify(written, null, 2)}\n`)) return written
    }
  }

  async function challenger(): Promise<{ id: string | null; version?: string }> {
    const found = await store.get(REGISTRY_KEYS.challenger)
    return found ? { id: found.body.toString('utf8') || null, version: found.version } : { id: null }
  }

  async function writeChallenger(id: string | null): Promise<void> {
    const before = await challenger()
    if (before.id === id) return
    if (id === null) return store.delete(REGISTRY_KEYS.challenger)
    const written = before.version
      ? await store.replaceIf(REGISTRY_KEYS.challenger, id, before.version)
      : await store.createIfAbsent(REGISTRY_KEYS.challenger, id)
    if (!written) {
      throw new TrafficError('STORAGE_ERROR', `The challenger in ${store.location} changed meanwhile`, {
        canRetry: true,
      })
    }
  }

  async function completeVersion(id: string): Promise<void> {
    if (!(await models.versions()).includes(id)) {
      throw new TrafficError('MODEL_NOT_FOUND', `No models version "${id}" in ${models.location}`, {
        hint: 'list the versions with `traffic models list`',
      })
    }
  }

  /** Runs one change of champion or challenger while holding the registry's lease. */
  async function exclusively<T>(work: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + LEASE_WAIT_MS
    for (;;) {
      const lease = await acquireLease(store, REGISTRY_KEYS.lock, LEASE_TTL_MS)
      if (lease.held) {
        try {
          return await work()
        } finally {
          await lease.release()
        }
      }
      if (Date.now() > deadline) {
        throw new TrafficError(
          'TRAINING_RUNNING',
          `The model registry in ${models.location} has been busy (pid ${lease.holder.pid ?? '?'} on ${lease.holder.host ?? '?'}) for over ${LEASE_WAIT_MS / 1000} s`,
          {
            hint: 'try again; if no `traffic` runs any more, wait a minute for its lease to expire',
            canRetry: true,
          },
        )
      }
      await sleep(10 + Math.random() * 40)
    }
  }

  /** Serves `id` over whatever is served now, and logs the change. */
  async function switchTo(
    id: string,
    entry: Omit<LogEntry, 'seq' | 'at' | 'from' | 'to'>,
  ): Promise<LogEntry> {
    await completeVersion(id)
    for (;;) {
      const from = (await models.current()) ?? null
      if (from === id) {
        throw new TrafficError('INVALID_INPUT', `Version ${id} is the champion already`)
      }
      if (await models.serve(id, from ?? undefined)) {
        if ((await challenger()).id === id) await writeChallenger(null)
        return append({ ...entry, from, to: id })
      }
    }
  }

  return {
    location: models.location,
    async list() {
      const records = await Promise.all((await models.versions()).map(record))
      return records.filter((found): found is VersionRecord => found !== undefined).reverse()
    },
    get: async (id) => ((await models.versions()).includes(id) ? record(id) : undefined),
    async aliases() {
      const [champion, next] = await Promise.all([models.current(), challenger()])
      return { champion: champion ?? null, challenger: next.id }
    },
    log,
    setChallenger: (id) =>
      exclusively(async () => {
        if (id !== null) await completeVersion(id)
        await writeChallenger(id)
      }),
    promote: (id, reason, comparison) =>
      exclusively(() => switchTo(id, { action: 'promote', reason, ...(comparison ? { comparison } : {}) })),
    reject: (id, reason, comparison) =>
      exclusively(async () => {
        await completeVersion(id)
        const from = (await models.current()) ?? null
        if ((await challenger()).id === id) await writeChallenger(null)
        return append({ action: 'reject', from, to: id, reason, ...(comparison ? { comparison } : {}) })
      }),
    rollback: (reason) =>
      exclusively(async () => {
        const undone = standingPromotion(await log())
        if (!undone) {
          throw new TrafficError(
            'INVALID_INPUT',
            `Nothing to roll back in ${models.location}: no promotion stands`,
          )
        }
        if (undone.from === null) {
          throw new TrafficError(
            'INVALID_INPUT',
            `Nothing to roll back in ${models.location}: ${undone.to} was the first champion, with none before it`,
          )
        }
        return switchTo(undone.from, { action: 'rollback', reason })
      }),
    async cleanLeftovers(keepVersions) {
      const changes = (await log()).filter((entry) => entry.action !== 'reject').slice(-keepVersions)
      const named = changes.flatMap((entry) => [entry.to, ...(entry.from ? [entry.from] : [])])
      const next = (await challenger()).id
      const keep = new Set([...named, ...(next ? [next] : [])])
      return models.cleanLeftovers({ newest: keepVersions, keep })
    },
  }
}

/** The registry of the models at `config.paths.models` (a folder or `s3://bucket/prefix`). */
export function openRegistry(config: Config): ModelRegistry {
  return registryOf(openModels(config.paths.models, config.storage.s3))
}
