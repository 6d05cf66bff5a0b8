// `traffic train`: fits the three random-forest pipelines on the batch files over Spark Connect and saves them
// as native Spark PipelineModels, with report.json and analytics.json.
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { ENCODINGS, type Encoding } from '../training/pipeline.ts'
import { formatTrainingSummary } from '../training/summary.ts'
import { DEFAULT_PARAMS, DEFAULT_PARITY_ROWS, train } from '../training/train.ts'
import { action } from './run.ts'

interface TrainFlags {
  batches?: string
  models?: string
  sparkRemote?: string
  trees: string
  depth: string
  maxBins: string
  seed: string
  encoding: string
  parityRows: string
  sparkConf: string[]
}

function integer(flag: string, raw: string, min: number, max: number): number {
  const value = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || value < min || value > max) {
    throw new TrafficError(
      'INVALID_INPUT',
      `${flag} must be a whole number from ${min} to ${max}, got "${raw}"`,
    )
  }
  return value
}

/** `key=value` pairs, repeatable, for the Spark session of the run. */
function sparkConf(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=')
      if (at <= 0) throw new TrafficError('INVALID_INPUT', `--spark-conf takes key=value, got "${pair}"`)
      return [pair.slice(0, at), pair.slice(at + 1)]
    }),
  )
}

function encoding(raw: string): Encoding {
  if (!(ENCODINGS as readonly string[]).includes(raw)) {
    throw new TrafficError('INVALID_INPUT', `--encoding must be one of ${ENCODINGS.join(', ')}, got "${raw}"`)
  }
  return raw as Encoding
}

export function registerTrainCommand(program: Command): void {
  program
    .command('train')
    .description(
      'Train the three random forests (Traffic Density, Is Peak Hour, Energy Consumption) on the batch files with Spark, ' +
        'save them as Spark PipelineModels with report.json and analytics.json',
    )
    .option(
      '--batches <dir>',
      'folder of urban_traffic_batch_*.csv (env TRAFFIC_BATCHES, default batched_data_traffic)',
    )
    .option(
      '--models <dir>',
      'models folder, replaced as a whole on success (env TRAFFIC_MODELS, default spark_models_traffic)',
    )
    .option(
      '--spark-remote <url>',
      'Spark Connect endpoint sc://host:port (env SPARK_REMOTE, default the local server)',
    )
    .option('--trees <n>', 'trees per forest', String(DEFAULT_PARAMS.numTrees))
    .option('--depth <n>', 'maximum tree depth (0 to 30)', String(DEFAULT_PARAMS.maxDepth))
    .option(
      '--max-bins <n>',
      'bins for continuous features (at least 8: the largest category count)',
      String(DEFAULT_PARAMS.maxBins),
    )
    .option('--seed <n>', 'seed of the held-out split and of the forests', String(DEFAULT_PARAMS.seed))
    .option(
      '--encoding <how>',
      'text columns as category indexes (indexed) or one binary feature per category (onehot)',
      DEFAULT_PARAMS.encoding,
    )
    .option(
      '--parity-rows <n>',
      'held-out predictions recorded per model for the serving parity test',
      String(DEFAULT_PARITY_ROWS),
    )
    .option(
      '--spark-conf <key=value>',
      'a Spark session setting for this run, repeatable (e.g. spark.connect.session.connectML.mlCache.memoryControl.maxModelSize=4g when trees stop growing early)',
      (pair: string, pairs: string[]) => [...pairs, pair],
      [] as string[],
    )
    .action(
      action(async (flags: TrainFlags) => {
        // Ctrl+C stops the run cleanly: the models folder stays as it was, the server lets go of the run's data.
        const controller = new AbortController()
        process.once('SIGINT', () => controller.abort())
        process.once('SIGTERM', () => controller.abort())
        const config = loadConfig({
          batches: flags.batches,
          models: flags.models,
          sparkRemote: flags.sparkRemote,
        })
        const report = await train({
          batchesDir: config.paths.batches,
          modelsDir: config.paths.models,
          sparkRemote: config.spark.remote,
          params: {
            encoding: encoding(flags.encoding),
            numTrees: integer('--trees', flags.trees, 1, 1000),
            maxDepth: integer('--depth', flags.depth, 0, 30),
            maxBins: integer('--max-bins', flags.maxBins, 8, 4096),
            seed: integer('--seed', flags.seed, 0, 2 ** 31 - 1),
          },
          parityRows: integer('--parity-rows', flags.parityRows, 1, 1_000_000),
          sparkConf: sparkConf(flags.sparkConf),
          log: (line) => process.stdout.write(`${line}\n`),
          signal: controller.signal,
        })
        process.stdout.write(formatTrainingSummary(report))
      }),
    )
}
