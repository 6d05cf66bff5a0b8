// `traffic produce`: streams the data set CSV into the Kafka topic, one JSON message per row.
import path from 'node:path'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { codecAvailable, KAFKA_CODECS, loadConfig } from '../config.ts'
import { countDataRows } from '../dataset/count-rows.ts'
import { kafkaClients } from '../stream/kafka-clients.ts'
import { rejectsFileFor } from '../stream/output-rejects.ts'
import { produceCsvToTopic } from '../stream/produce.ts'
import { action, stopSignal } from './run.ts'
import { count } from './whole-numbers.ts'

interface ProduceFlags {
  file?: string
  topic?: string
  partitions?: number
  rate?: number
  limit?: number
  rejects?: string
  compression?: string
}

function rowsPerSecond(rows: number, seconds: number): string {
  return Math.round(rows / Math.max(seconds, 1e-3)).toLocaleString('en-US')
}

export function registerProduceCommand(program: Command): void {
  program
    .command('produce')
    .description('Stream the data set CSV into the Kafka topic, one JSON message per valid row')
    .option('--file <csv>', 'CSV to send (env TRAFFIC_DATASET, default dataset/futuristic_city_traffic.csv)')
    .option('--topic <name>', 'topic to send to (env KAFKA_TOPIC, default urban_traffic_stream)')
    .option('--partitions <n>', 'partitions if the topic is created (env KAFKA_PARTITIONS, default 1)', count)
    .option(
      '--rate <rows/s>',
      'replay at this many rows per second, like a live feed (default: full speed)',
      count,
    )
    .option('--limit <rows>', 'stop after this many data rows of the file', count)
    .option('--rejects <file>', 'where rejected rows go, as JSON lines (default: <file>.rejects.jsonl)')
    .option(
      '--compression <codec>',
      `codec of the topic's batches: ${KAFKA_CODECS.filter(codecAvailable).join(', ')} (env KAFKA_COMPRESSION, ` +
        'default none). Every client reads none and gzip; kafka-python needs the lz4 package for lz4, ' +
        'python-snappy or cramjam for snappy, zstandard for zstd; Java and librdkafka clients read all; ' +
        'Node (this project) needs Node ≥ 22 for zstd',
    )
    .action(
      action(async (flags: ProduceFlags) => {
        const config = loadConfig({
          dataset: flags.file,
          topic: flags.topic,
          partitions: flags.partitions,
          compression: flags.compression,
        })
        const file = config.paths.dataset
        const rejectsFile = path.resolve(flags.rejects ?? rejectsFileFor(file))
        const signal = stopSignal()

        const bar = process.stderr.isTTY
          ? new cliProgress.SingleBar(
              { format: '{bar} {percentage}% | {value}/{total} rows | {speed} rows/s | {rejected} rejected' },
              cliProgress.Presets.shades_classic,
            )
          : undefined
        if (bar) {
          const lines = await countDataRows(file).catch(() => 0)
          bar.start(Math.min(lines, flags.limit ?? lines), 0, { speed: 0, rejected: 0 })
        }
        const stats = await produceCsvToTopic(kafkaClients(config.kafka), {
          file,
          topic: config.kafka.topic,
          partitions: config.kafka.partitions,
          rejectsFile,
          rate: flags.rate,
          limit: flags.limit,
          signal,
          onProgress: (s) =>
            bar?.update(s.sent + s.rejected, {
              speed: rowsPerSecond(s.sent, s.seconds),
              rejected: s.rejected,
            }),
        }).finally(() => bar?.stop())

        const created = stats.topicCreated ? ` (created with ${config.kafka.partitions} partition(s))` : ''
        const stopped = signal.aborted ? ' — interrupted' : ''
        process.stdout.write(
          `✔ sent ${stats.sent.toLocaleString('en-US')} rows to ${config.kafka.topic}${created} in ` +
            `${stats.seconds.toFixed(1)} s (${rowsPerSecond(stats.sent, stats.seconds)} rows/s); ` +
            `${stats.rejected.toLocaleString('en-US')} rejected${stopped}\n`,
        )
        if (stats.rejected > 0)
          process.stdout.write(`  rejected rows (line number + reason): ${rejectsFile}\n`)
      }),
    )
}
