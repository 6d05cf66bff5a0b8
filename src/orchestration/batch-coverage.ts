// What the batch files hold, measured after the consume stage of `traffic up`, and the check that they hold
// every row produced.
import type { Config } from '../config.ts'
import { countDataRowsIn } from '../dataset/count-rows.ts'
import { TrafficError } from '../errors.ts'
import { batchStore, listBatchFiles } from '../stream/batch-files.ts'
import { CONSUME_DEFAULTS } from '../stream/consume.ts'

/**
 * Messages the batch files cover, from their names (each covers offsets first..last of one partition): the rows
 * in them and the invalid messages among those offsets that went to dead letters.
 */
export async function batchCoverage(
  config: Config,
): Promise<{ messages: number; files: number; names: string }> {
  const files = await listBatchFiles(batchStore(config), config.kafka.topic)
  const messages = files.reduce((sum, f) => sum + Number(f.last - f.first + 1n), 0)
  return { messages, files: files.length, names: files.map((f) => f.name).join(',') }
}

/** Rows in the batch files, read from them: the offsets they cover also count the messages set aside as dead letters. */
export async function rowsInBatchFiles(config: Config): Promise<number> {
  const store = batchStore(config)
  let rows = 0
  for (const file of await listBatchFiles(store, config.kafka.topic)) {
    const object = await store.get(file.name)
    if (object) rows += await countDataRowsIn(object.body)
  }
  return rows
}

/** Fails unless the batch files hold every row produced, with no message lost to retention on the way. */
export function checkConsumed(
  config: Config,
  counts: { rows: number; produced: number; lost: number },
): void {
  const { rows, produced, lost } = counts
  if (lost > 0) {
    throw new TrafficError(
      'KAFKA_ERROR',
      `${lost} messages of ${config.kafka.topic} were deleted by retention before they were read: the batch ` +
        `files hold ${rows} of the ${produced} rows produced`,
      { hint: 'those rows are gone from Kafka; produce the data set again with `npm start -- --fresh`' },
    )
  }
  if (rows < produced) {
    throw new TrafficError(
      'KAFKA_ERROR',
      `the batch files hold ${rows.toLocaleString('en')} of the ${produced.toLocaleString('en')} rows produced`,
      {
        hint:
          `another consumer in group ${CONSUME_DEFAULTS.groupId} may hold partitions of ${config.kafka.topic}: ` +
          'stop it and run `npm start` again (the consumer reads whatever the batch files lack); if retention ' +
          'deleted rows before they were read, produce again with `npm start -- --fresh`',
        canRetry: true,
      },
    )
  }
}
