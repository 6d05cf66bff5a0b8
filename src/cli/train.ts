// `traffic train`: fits the three tree-model pipelines (random forests or gradient-boosted trees) on the batch files
// over Spark Connect and saves them as native Spark PipelineModels, with report.json and analytics.json.
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { follow } from '../lifecycle/follow.ts'
import { ALGORITHMS, type Algorithm, type TreeParams } from '../training/algorithms.ts'
import { tuningCandidates } from '../training/candidates.ts'
import { openModels } from '../training/models-publisher.ts'
import { ENCODINGS, type Encoding } from '../training/pipeline.ts'
import { formatTrainingSummary } from '../training/summary.ts'
import { DEFAULT_PARAMS, DEFAULT_PARITY_ROWS, paramsWith, train } from '../training/train.ts'
import { action, stopSignal } from './run.ts'
import { BINS, DEPTH, TRAINING_SEED, TREES, wholeNumber } from './whole-numbers.ts'

interface TrainFlags {
  batches?: string
  topic?: string
  models?: string
  sparkRemote?: string
  algorithm?: string
  trees?: string
  depth?: string
  maxBins?: string
  stepSize?: string
  subsampling?: string
  tune?: boolean
  follow?: boolean
  seed: string
  encoding: string
  parityRows: string
  sparkConf: string[]
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

/** A number in (0, 1]. */
function share(flag: string, raw: string): number {
  const value = Number(raw)
  if (raw.trim() === '' || !(value > 0 && value <= 1)) {
    throw new TrafficError('INVALID_INPUT', `${flag} must be a number above 0 and at most 1, got "${raw}"`)
  }
  return value
}

function algorithm(raw: string): Algorithm {
  if (!(ALGORITHMS as readonly string[]).includes(raw)) {
    throw new TrafficError(
      'INVALID_INPUT',
      `--algorithm must be one of ${ALGORITHMS.join(', ')}, got "${raw}"`,
    )
  }
  return raw as Algorithm
}

/** The learner settings given on the command line; the others keep each model's default. */
function learnerFlags(flags: TrainFlags): Partial<TreeParams> {
  const given = <T>(raw: string | undefined, parse: (raw: string) => T) =>
    raw === undefined ? undefined : parse(raw)
  return {
    algorithm: given(flags.algorithm, algorithm),
    numTrees: given(flags.trees, (raw) => wholeNumber('--trees', raw, TREES)),
    maxDepth: given(flags.depth, (raw) => wholeNumber('--depth', raw, DEPTH)),
    maxBins: given(flags.maxBins, (raw) => wholeNumber('--max-bins', raw, BINS)),
    stepSize: given(flags.stepSize, (raw) => share('--step-size', raw)),
    subsamplingRate: given(flags.subsampling, (raw) => share('--subsampling', raw)),
  }
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
      'Train the three tree models (Traffic Density, Is Peak Hour, Energy Consumption) on the batch files with Spark, ' +
        'save them as Spark PipelineModels with report.json and analytics.json',
    )
    .option(
      '--batches <dir>',
      'folder of the batch files (env TRAFFIC_BATCHES, default batched_data_traffic)',
    )
    .option(
      '--topic <name>',
      'train on the batch files of this topic (env KAFKA_TOPIC, default urban_traffic_stream)',
    )
    .option(
      '--models <dir>',
      'models folder, replaced as a whole on success (env TRAFFIC_MODELS, default spark_models_traffic)',
    )
    .option(
      '--spark-remote <url>',
      'Spark Connect endpoint sc://host:port (env SPARK_REMOTE, default the local server)',
    )
    .option(
      '--algorithm <name>',
      `learner of all three models: ${ALGORITHMS.join(' or ')} (default: per model, see the README)`,
    )
    .option('--trees <n>', 'trees per forest, or GBT iterations, for all three models')
    .option('--depth <n>', 'maximum tree depth (0 to 30), for all three models')
    .option('--max-bins <n>', 'bins for continuous features (at least 8: the largest category count)')
    .option('--step-size <x>', 'GBT learning rate, in (0, 1]')
    .option('--subsampling <x>', 'share of the training rows each tree learns from, in (0, 1]')
    .option(
      '--tune',
      'try a small grid around each learner (depth, trees, bins, step size, subsampling, the other algorithm) ' +
        'on a validation share of the training rows and keep the best; every candidate is in report.json',
    )
    .option(
      '--follow',
      'keep running: train a challenger on the newest TRAFFIC_WINDOW_ROWS rows when TRAFFIC_RETRAIN_ROWS new rows ' +
        'arrive, every TRAFFIC_RETRAIN_EVERY_MS or on drift (TRAFFIC_DRIFT_ERROR_RATIO, TRAFFIC_DRIFT_PSI), and ' +
        'promote it only when it beats the champion by TRAFFIC_PROMOTE_ABSOLUTE and TRAFFIC_PROMOTE_RELATIVE on ' +
        'the same held-out rows newer than its data (README); Ctrl+C stops it',
    )
    .option('--seed <n>', 'seed of the held-out split and of the learners', String(DEFAULT_PARAMS.seed))
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
        const signal = stopSignal()
        const config = loadConfig({
          batches: flags.batches,
          topic: flags.topic,
          models: flags.models,
          sparkRemote: flags.sparkRemote,
        })
        const params = {
          ...paramsWith(learnerFlags(flags)),
          encoding: encoding(flags.encoding),
          seed: wholeNumber('--seed', flags.seed, TRAINING_SEED),
        }
        const parityRows = wholeNumber('--parity-rows', flags.parityRows, { min: 1, max: 1_000_000 })
        const log = (line: string) => process.stdout.write(`${line}\n`)
        if (flags.follow) {
          if (flags.tune) throw new TrafficError('INVALID_INPUT', '--tune cannot be used with --follow')
          await follow({ config, params, parityRows, sparkConf: sparkConf(flags.sparkConf), log, signal })
          return
        }
        const report = await train({
          batchesDir: config.paths.batches,
          topic: config.kafka.topic,
          models: openModels(config.paths.models, config.storage.s3),
          connection: config,
          keepVersions: config.lifecycle.keepVersions,
          params,
          parityRows,
          sparkConf: sparkConf(flags.sparkConf),
          ...(flags.tune ? { candidates: tuningCandidates(params) } : {}),
          log,
          signal,
        })
        process.stdout.write(formatTrainingSummary(report))
      }),
    )
}
