// `traffic consume`: writes the topic into CSV batch files, exactly once, like the seed's batch consumer.
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { batchStore } from '../stream/batch-files.ts'
import { CONSUME_DEFAULTS, type ConsumeStats, consumeToBatchFiles } from '../stream/consume.ts'
import { kafkaClients } from '../stream/kafka-clients.ts'
import type { WrittenBatch } from '../stream/output-batch-files.ts'
import { action, stopSignal } from './run.ts'
import { count } from './whole-numbers.ts'

interface ConsumeFlags {
  out?: string
  topic?: string
  group: string
  partitions?: number
  batchSize?: number
  idleTimeout: number
  follow?: boolean
}

function describeBatch(batch: WrittenBatch): string {
  return `${batch.file} (${batch.rows} rows)`
}

/**
 * Without a terminal (a log, a pipe), the progress as a line at most once a second, when it moved: whoever
 * reads the log sees how far reading got, including messages held in open batches not yet written.
 */
function progressLines(): (stats: ConsumeStats) => void {
  let shown = -1
  let shownAt = 0
  return (stats) => {
    if (stats.consumed === shown || performance.now() - shownAt < 1_000) return
    shown = stats.consumed
    shownAt = performance.now()
    process.stdout.write(
      `  ${stats.consumed.toLocaleString('en-US')} messages read · ${stats.rows.toLocaleString('en-US')} rows ` +
        `in ${stats.files} file(s) · ${stats.deadLetters} dead letter(s)\n`,
    )
  }
}

export function registerConsumeCommand(program: Command): void {
  program
    .command('consume')
    .description(
      'Write the Kafka topic into CSV batch files, exactly once (invalid messages go to <topic>.dlq)',
    )
    .option(
      '--out <location>',
      'folder or s3://bucket/prefix of the batch files (env TRAFFIC_BATCHES, default batched_data_traffic)',
    )
    .option('--topic <name>', 'topic to read (env KAFKA_TOPIC, default urban_traffic_stream)')
    .option(
      '--group <id>',
      'consumer group; run several consumers with one group to share partitions',
      CONSUME_DEFAULTS.groupId,
    )
    .option('--partitions <n>', 'partitions if the topic is created (env KAFKA_PARTITIONS, default 1)', count)
    .option('--batch-size <rows>', 'rows per batch file (env TRAFFIC_BATCH_ROWS, default 100000)', count)
    .option(
      '--idle-timeout <seconds>',
      'with nothing new for this long, write the open (partial) batches, then stop unless --follow',
      count,
      CONSUME_DEFAULTS.idleTimeoutSeconds,
    )
    .option('--follow', 'keep running after the idle timeout, waiting for new messages (Ctrl+C to stop)')
    .action(
      action(async (flags: ConsumeFlags) => {
        const config = loadConfig({ batches: flags.out, topic: flags.topic, partitions: flags.partitions })
        const store = batchStore(config)
        const signal = stopSignal()

        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar(
              {
                format:
                  '{consumed} messages | {speed} msg/s | {rows} rows in {files} files | {deadLetters} dead letters',
              },
              cliProgress.Presets.shades_classic,
            )
          : undefined
        bar?.start(0, 0, { consumed: 0, rows: 0, speed: 0, files: 0, deadLetters: 0 })
        const logProgress = bar ? undefined : progressLines()
        const stats = await consumeToBatchFiles(kafkaClients(config.kafka), {
          topic: config.kafka.topic,
          deadLetterTopic: config.kafka.deadLetterTopic,
          groupId: flags.group,
          store,
          batchSize: flags.batchSize ?? config.consume.batchRows,
          idleTimeoutMs: flags.idleTimeout * 1000,
          follow: flags.follow === true,
          partitions: config.kafka.partitions,
          signal,
          onBatch: (batch) => {
            if (!bar) process.stdout.write(`  ${describeBatch(batch)}\n`)
          },
          onWarning: (message) => process.stderr.write(`⚠ ${message}\n`),
          onProgress: (s) => {
            logProgress?.(s)
            bar?.update(0, {
              consumed: s.consumed.toLocaleString('en-US'),
              rows: s.rows.toLocaleString('en-US'),
              speed: Math.round(s.consumed / Math.max(s.seconds, 1e-3)).toLocaleString('en-US'),
              files: s.files,
              deadLetters: s.deadLetters,
            })
          },
        }).finally(() => bar?.stop())

        const stopped = signal.aborted ? ' — interrupted; open batches will be read again' : ''
        const missing = stats.missingOffsets
          ? `; ⚠ ${stats.missingOffsets.toLocaleString('en-US')} offset(s) missing (deleted by retention before they were read)`
          : ''
        const scenario = stats.scenarioRows
          ? ` (${stats.scenarioRows.toLocaleString('en-US')} of them rows a live scenario made up, kept out of the training data)`
          : ''
        process.stdout.write(
          `✔ wrote ${stats.rows.toLocaleString('en-US')} rows in ${stats.files} batch file(s) to ${store.location} in ` +
            `${stats.seconds.toFixed(1)} s; ${stats.deadLetters} dead letter(s) to ${config.kafka.deadLetterTopic}${scenario}${missing}${stopped}\n`,
        )
      }),
    )
}
