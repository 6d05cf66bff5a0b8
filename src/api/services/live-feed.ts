// The live view as a service: connects to Kafka in the background (the API never waits for it, and keeps
// answering predictions while it is away), keeps the live state, scores the stream, samples throughput, lag and
// the Spark queries every second, and tells subscribers (the SSE route) about each change as it happens.

import type { Message } from '@platformatic/kafka'
import type { FastifyBaseLogger } from 'fastify'
import type { KafkaConfig } from '../../config.ts'
import { storedFeatureBins } from '../../drift.ts'
import { describeError } from '../../errors.ts'
import { kafkaClients } from '../../stream/kafka-clients.ts'
import type { LiveTopics } from '../../stream/live-topics.ts'
import { scenarioOf } from '../../stream/scenario-header.ts'
import type {
  LiveEvents,
  LiveQuery,
  LiveScoring,
  LiveSnapshot,
  LiveStats,
  LiveStatus,
  PartitionLag,
} from '../live-schemas.ts'
import { LiveDrift } from './live-drift.ts'
import { LiveKafka } from './live-kafka.ts'
import { type Decoded, decodeAlert, decodeStreamRow, decodeWindow } from './live-messages.ts'
import { errorRatios, LiveScorer } from './live-scoring.ts'
import { LiveState } from './live-state.ts'
import type { ModelRegistry } from './model-registry.ts'

export interface LiveFeedOptions {
  kafka: KafkaConfig
  topics: LiveTopics
  /** Prefix of the consumer group of this process (each API process reads every partition in a group of its own). */
  groupId: string
  /** The Spark streaming queries' progress; absent when this build cannot ask Spark. */
  queries?: () => Promise<LiveQuery[]>
  /** How often throughput, lag and queries are sampled and sent, in ms. */
  tickMs?: number
  /** Wait before connecting again after Kafka was unreachable, in ms. */
  retryMs?: number
}

export type LiveListener = <E extends keyof LiveEvents>(event: E, data: LiveEvents[E]) => void

const NO_QUERIES_NOTE = 'Spark streaming queries are not reported by this API build'
/** Asking Spark opens a session each time: not every tick. */
const QUERIES_EVERY_MS = 3000

export class LiveFeed {
  readonly #options: (LiveFeedOptions & { tickMs: number; retryMs: number }) | undefined
  readonly #registry: ModelRegistry
  readonly #log: FastifyBaseLogger
  readonly #state = new LiveState()
  readonly #scorer = new LiveScorer()
  readonly #drift = new LiveDrift()
  readonly #listeners = new Set<LiveListener>()
  #status: LiveStatus
  #kafka: LiveKafka | undefined
  /** Set once the consumers run; the clients then ride out a broker restart by themselves. */
  #connected: LiveKafka | undefined
  #timer: NodeJS.Timeout | undefined
  #closed = false
  #consumed = 0
  #lastSample: { at: number; produced: number; consumed: number } | undefined
  #lag: { updated_at: string | null; partitions: PartitionLag[] } = { updated_at: null, partitions: [] }
  #queries: LiveStats['queries'] = { note: NO_QUERIES_NOTE, list: [] }
  #sampling = false
  #queriesAsking = false
  #queriesAskedAt = 0

  /** Without options the feed is off (`traffic serve --no-live`) and only says so. */
  constructor(registry: ModelRegistry, log: FastifyBaseLogger, options?: LiveFeedOptions) {
    this.#registry = registry
    this.#log = log
    this.#options = options && { tickMs: 1000, retryMs: 10_000, ...options }
    this.#status = options
      ? { kafka: 'connecting', message: `connecting to Kafka at ${options.kafka.brokers.join(',')}` }
      : { kafka: 'off', message: 'live view turned off (traffic serve --no-live)' }
  }

  start(): void {
    if (!this.#options || this.#closed) return
    this.#connect(this.#options).catch(() => undefined)
    this.#timer ??= setInterval(() => void this.#sample(), this.#options.tickMs)
    this.#timer.unref()
  }

  subscribe(listener: LiveListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  stats(): LiveStats {
    const { analytics } = this.#registry.state
    return {
      status: this.#status,
      clock: this.#state.clock,
      throughput: this.#state.throughput,
      lag: this.#lag,
      queries: this.#queries,
      scoring: this.#scoring(),
      drift: this.#drift.summary(storedFeatureBins(analytics)),
    }
  }

  #scoring(): LiveScoring {
    const { models, report } = this.#registry.state
    return this.#scorer.summary(models, report)
  }

  snapshot(): LiveSnapshot {
    return { ...this.stats(), windows: this.#state.windows, alerts: this.#state.alerts }
  }

  async close(): Promise<void> {
    this.#closed = true
    clearInterval(this.#timer)
    this.#listeners.clear()
    await this.#kafka?.close()
  }

  async #connect(options: LiveFeedOptions): Promise<void> {
    const kafka = new LiveKafka(kafkaClients(options.kafka), options.topics, options.groupId)
    this.#kafka = kafka
    try {
      await kafka.connect(
        {
          row: (message) => this.#onRow(message),
          window: (message) =>
            this.#onResult('window', decodeWindow(message.value), (window) => this.#state.addWindow(window)),
          alert: (message) =>
            this.#onResult('alert', decodeAlert(message.value), (alert) => this.#state.addAlert(alert)),
          failed: (error) => void this.#lost(kafka, error),
        },
        options.kafka.partitions,
      )
      if (this.#closed) return void (await kafka.close())
      this.#connected = kafka
      this.#status = { kafka: 'up', message: null }
      this.#log.info({ topics: options.topics, group: kafka.groupId }, 'live view following Kafka')
    } catch (error) {
      await this.#lost(kafka, error)
    }
  }

  /**
   * Kafka went away (or never answered): say so, and try again later. A timer, not p-retry: the loss can come at any
   * time after a good start, so each one arms a reconnect rather than one call being retried.
   */
  async #lost(kafka: LiveKafka, error: unknown): Promise<void> {
    if (this.#kafka !== kafka) return
    this.#kafka = undefined
    this.#connected = undefined
    await kafka.close()
    if (this.#closed || !this.#options) return
    this.#status = { kafka: 'unreachable', message: `Kafka unreachable: ${describeError(error)}` }
    this.#log.warn({ error: describeError(error) }, 'live view: Kafka unreachable, retrying')
    const options = this.#options
    setTimeout(() => {
      if (!this.#closed) this.#connect(options).catch(() => undefined)
    }, options.retryMs).unref()
  }

  #onRow(message: Message): void {
    this.#consumed += 1
    const row = decodeStreamRow(message.value)
    if (!row.ok) {
      this.#scorer.rejected(row.reason)
      return
    }
    if (row.value.eventTime) this.#state.seeEventTime(row.value.eventTime)
    if (scenarioOf(message.headers) !== undefined) {
      this.#scorer.madeUp()
      return
    }
    const { models, analytics } = this.#registry.state
    this.#scorer.score(row.value.record, models)
    this.#drift.add(row.value.record, storedFeatureBins(analytics))
  }

  /** A window or alert of the streaming queries: kept and sent to the listeners; a malformed one is skipped. */
  #onResult<E extends 'window' | 'alert'>(
    event: E,
    decoded: Decoded<LiveEvents[E]>,
    keep: (value: LiveEvents[E]) => void,
  ): void {
    if (!decoded.ok) {
      this.#log.warn({ reason: decoded.reason }, `malformed ${event} message skipped`)
      return
    }
    keep(decoded.value)
    this.#emit(event, decoded.value)
  }

  /**
   * One tick: throughput and lag from Kafka, then a stats event. Ticks never overlap. Spark is asked on its own
   * (#sampleQueries), never awaited here: a stalled Spark server makes the queries late, not the stats.
   */
  async #sample(): Promise<void> {
    this.#sampleQueries()
    if (this.#sampling) return
    this.#sampling = true
    try {
      await this.#sampleKafka()
      this.#emit('stats', this.stats())
    } finally {
      this.#sampling = false
    }
  }

  async #sampleKafka(): Promise<void> {
    const kafka = this.#connected
    if (!kafka) return
    try {
      const { produced, lag: partitions } = await kafka.offsets()
      this.#status = { kafka: 'up', message: null }
      const at = Date.now()
      const last = this.#lastSample
      this.#lastSample = { at, produced, consumed: this.#consumed }
      this.#lag = { updated_at: new Date(at).toISOString(), partitions }
      if (!last) return
      const seconds = (at - last.at) / 1000
      this.#state.addThroughput({
        time: new Date(at).toISOString(),
        produce_rows_per_s: Math.max(0, (produced - last.produced) / seconds),
        consume_rows_per_s: (this.#consumed - last.consumed) / seconds,
        lag: partitions.reduce((sum, partition) => sum + partition.lag, 0),
        // Kept with the sample, so the error's history is the API's, not only what a page saw since it opened.
        error_ratios: errorRatios(this.#scoring()),
      })
    } catch (error) {
      this.#status = { kafka: 'unreachable', message: `Kafka unreachable: ${describeError(error)}` }
    }
  }

  /** Asks Spark for the queries' progress, one question at a time; one left unanswered marks them late. */
  #sampleQueries(): void {
    const queries = this.#options?.queries
    const now = Date.now()
    if (!queries || now - this.#queriesAskedAt < QUERIES_EVERY_MS) return
    if (this.#queriesAsking) {
      const seconds = Math.round((now - this.#queriesAskedAt) / 1000)
      this.#queries = { note: `Spark has not answered for ${seconds} s: the queries are late`, list: [] }
      return
    }
    this.#queriesAsking = true
    this.#queriesAskedAt = now
    queries()
      .then((list) => {
        this.#queries = {
          note: list.length === 0 ? 'no streaming query running (start `traffic live`)' : null,
          list,
        }
      })
      .catch((error: unknown) => {
        this.#queries = { note: `Spark unreachable: ${describeError(error)}`, list: [] }
      })
      .finally(() => {
        this.#queriesAsking = false
      })
  }

  #emit<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): void {
    for (const listener of this.#listeners) listener(event, data)
  }
}
