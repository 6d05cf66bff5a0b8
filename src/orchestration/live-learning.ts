// `traffic up`'s live mode keeps learning: the batch consumer follows the stream (the live feed's new rows land in
// the same topic) into batch files, and the continuous trainer follows those files, training, comparing and
// promoting challengers. The API swaps to a promoted champion by itself, so nothing else has to happen for it to
// serve the better model.
import type { Config } from '../config.ts'
import { describeError } from '../errors.ts'
import { follow } from '../lifecycle/follow.ts'
import { batchStore } from '../stream/batch-files.ts'
import { CONSUME_DEFAULTS, consumeToBatchFiles } from '../stream/consume.ts'
import { kafkaClients } from '../stream/kafka-clients.ts'
import type { TrainingParams } from '../training/report.ts'
import { DEFAULT_PARITY_ROWS } from '../training/train.ts'

export interface LiveLearningOptions {
  params: TrainingParams
  /** Aborting stops both loops (Ctrl+C). */
  signal: AbortSignal
  /** One line for the user, already prefixed with the loop that speaks. */
  say: (line: string) => void
}

/** Prefixes of the two loops' lines. */
export const CONSUMER_PREFIX = '[batches]'
export const TRAINER_PREFIX = '[retrain]'

/** The consumer following the topic into batch files, as the consume stage writes them, until stopped. */
async function followStream(config: Config, options: LiveLearningOptions): Promise<void> {
  const say = (line: string) => options.say(`${CONSUMER_PREFIX} ${line}`)
  const store = batchStore(config)
  say(
    `following ${config.kafka.topic} into ${store.location}, ` +
      `${config.consume.batchRows.toLocaleString('en')} rows per file`,
  )
  await consumeToBatchFiles(kafkaClients(config.kafka), {
    topic: config.kafka.topic,
    deadLetterTopic: config.kafka.deadLetterTopic,
    groupId: CONSUME_DEFAULTS.groupId,
    store,
    batchSize: config.consume.batchRows,
    idleTimeoutMs: CONSUME_DEFAULTS.idleTimeoutSeconds * 1000,
    follow: true,
    partitions: config.kafka.partitions,
    signal: options.signal,
    onBatch: (batch) => say(`${batch.file}: ${batch.rows.toLocaleString('en')} new rows`),
    onWarning: (message) => say(`⚠ ${message}`),
  })
}

/** The continuous trainer, until stopped; only its decisions and warnings, not training's timed steps. */
async function followBatches(config: Config, options: LiveLearningOptions): Promise<void> {
  await follow({
    config,
    params: options.params,
    parityRows: DEFAULT_PARITY_ROWS,
    signal: options.signal,
    log: (line) => {
      if (!line.startsWith('[') || line.includes('⚠')) options.say(`${TRAINER_PREFIX} ${line}`)
    },
  })
}

/**
 * Runs both loops until `signal` aborts. A loop that fails says so and ends alone: the other, the API and the
 * live view go on.
 */
export async function learnLive(config: Config, options: LiveLearningOptions): Promise<void> {
  const loops: [string, () => Promise<void>][] = [
    [CONSUMER_PREFIX, () => followStream(config, options)],
    [TRAINER_PREFIX, () => followBatches(config, options)],
  ]
  await Promise.all(
    loops.map(([prefix, run]) =>
      run().catch((error: unknown) => {
        if (!options.signal.aborted) options.say(`${prefix} ✖ stopped: ${describeError(error)}`)
      }),
    ),
  )
}
