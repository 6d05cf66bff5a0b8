// What a training run holds on the Spark server: cached tables (the batch rows, each model's training and
// held-out rows) and fitted models in the ML cache. Everything is released when no longer needed, and all of
// it at the end of the run, whether it succeeded, failed or was stopped. Cached tables must be uncached
// explicitly: Spark's cache is shared by all sessions and outlives this one.
import { type DataFrame, type ModelRef, newUid, type SparkSession } from '../spark/index.ts'

export interface CachedTable {
  /** Temp view name, for Spark SQL. */
  view: string
  data: DataFrame
}

export class ServerState {
  readonly #spark: SparkSession
  readonly #models = new Set<ModelRef>()
  readonly #views = new Set<string>()
  #closed: Promise<void> | undefined

  constructor(spark: SparkSession) {
    this.#spark = spark
  }

  /** Remembers a fitted model so it is released even if the run fails. */
  holdModel(ref: ModelRef): void {
    this.#models.add(ref)
  }

  async releaseModels(refs: readonly ModelRef[]): Promise<void> {
    await this.#spark.ml.delete(...refs)
    for (const ref of refs) this.#models.delete(ref)
  }

  /**
   * Computes `data` once into the server's cache (an eager CACHE TABLE): every later pass reads the same rows
   * instead of re-reading the files and re-sampling the splits.
   */
  async cache(data: DataFrame, name: string): Promise<CachedTable> {
    const view = newUid(name)
    await data.createOrReplaceTempView(view)
    this.#views.add(view)
    await this.#spark.sql(`CACHE TABLE ${view}`).collect()
    return { view, data: this.#spark.table(view) }
  }

  async uncache(table: CachedTable): Promise<void> {
    await this.#spark.sql(`UNCACHE TABLE IF EXISTS ${table.view}`).collect()
    this.#views.delete(table.view)
  }

  /**
   * Releases everything still held, then the session itself (which also stops whatever it still runs).
   * Best effort: each failure goes to `onError` and the rest is still released. Safe to call more than once.
   */
  close(onError: (what: string, error: unknown) => void): Promise<void> {
    this.#closed ??= this.#release(onError)
    return this.#closed
  }

  async #release(onError: (what: string, error: unknown) => void): Promise<void> {
    if (this.#models.size) {
      await this.releaseModels([...this.#models]).catch((error) => onError('release cached models', error))
    }
    for (const view of [...this.#views]) {
      await this.uncache({ view, data: this.#spark.table(view) }).catch((error) =>
        onError(`uncache ${view}`, error),
      )
    }
    await this.#spark.close().catch((error) => onError('close the Spark session', error))
  }
}
