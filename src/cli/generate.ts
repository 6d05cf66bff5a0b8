// `traffic generate`: writes a synthetic futuristic_city_traffic.csv shaped like the real Kaggle file.
import path from 'node:path'
import cliProgress from 'cli-progress'
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { type WriteSyntheticResult, writeSyntheticCsv } from '../dataset/write-synthetic.ts'
import { action } from './run.ts'
import { COUNT, DATA_SEED, wholeNumber } from './whole-numbers.ts'

/** Rows in the real file (docs/data.md). */
const REAL_FILE_ROWS = 1_219_567
const DEFAULT_SEED = 42

interface GenerateOptions {
  rows: string
  seed: string
  out?: string
}

export function registerGenerateCommand(program: Command): void {
  program
    .command('generate')
    .description('Write a synthetic data set with the schema and statistics of the real one (docs/data.md)')
    .option('--rows <n>', 'number of data rows', String(REAL_FILE_ROWS))
    .option(
      '--seed <n>',
      'random seed (0 to 4294967295); the same seed gives the same file',
      String(DEFAULT_SEED),
    )
    .option(
      '--out <file>',
      'target CSV file (env TRAFFIC_DATASET, default dataset/futuristic_city_traffic.csv)',
    )
    .action(
      action(async (options: GenerateOptions) => {
        const rows = wholeNumber('--rows', options.rows, COUNT)
        const seed = wholeNumber('--seed', options.seed, DATA_SEED)
        const out = loadConfig({ dataset: options.out }).paths.dataset
        const started = performance.now()
        const bar = new cliProgress.SingleBar(
          {
            format: '{bar} {percentage}% | {value}/{total} rows | {rate} rows/s | ETA {eta}s',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
        bar.start(rows, 0, { rate: 0 })
        let result: WriteSyntheticResult
        try {
          result = await writeSyntheticCsv({
            rows,
            seed,
            out,
            onProgress: (written) => {
              const seconds = (performance.now() - started) / 1000
              bar.update(written, { rate: Math.round(written / seconds).toLocaleString('en-US') })
            },
          })
        } finally {
          bar.stop()
        }
        const rate = Math.round(result.rows / result.seconds).toLocaleString('en-US')
        const shown = path.relative(process.cwd(), result.path)
        process.stdout.write(
          `✔ ${result.rows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(1)} s (${rate} rows/s), ` +
            `seed ${seed} → ${shown.startsWith('..') ? result.path : shown} (${(result.bytes / 1e6).toFixed(1)} MB)\n`,
        )
      }),
    )
}
