// `traffic up` (`npm start`): the whole pipeline, then the API and the UI, until Ctrl+C.
import path from 'node:path'
import type { Command } from 'commander'
import { type ApiServer, startApiServer } from '../api/server.ts'
import { type Config, loadConfig } from '../config.ts'
import { REPORT_FILE } from '../contract/models.ts'
import { displayPath } from '../display-path.ts'
import { type EngineStatus, stopEngines } from '../engines/lifecycle.ts'
import { describeError } from '../errors.ts'
import { parseScenario } from '../live/replay.ts'
import { stageDisplay } from '../orchestration/display.ts'
import { learnLive } from '../orchestration/live-learning.ts'
import { pipelineEngines, runPipeline, type UpResult } from '../orchestration/up.ts'
import { openModels } from '../training/models-publisher.ts'
import type { TrainingReport } from '../training/report.ts'
import { formatTrainingSummary } from '../training/summary.ts'
import { paramsWith } from '../training/train.ts'
import { DIST_DIR, ensureWebBuild } from '../ui/build.ts'
import { startUiServer, type UiServer } from '../ui/server.ts'
import { formatStatus } from './engines.ts'
import { liveCommand } from './live.ts'
import { action, untilSignal } from './run.ts'
import { count, DATA_SEED, DEPTH, TREES, wholeNumberOption } from './whole-numbers.ts'

const FULL_DATASET_ROWS = 1_219_567

interface UpFlags {
  rows?: number
  seed: number
  fresh?: boolean
  serve: boolean
  live: boolean
  retrain: boolean
  scenario?: string
  keepEngines?: boolean
  trees?: number
  depth?: number
  partitions?: number
}

async function readReport(config: Config): Promise<TrainingReport | undefined> {
  const report = await openModels(config.paths.models, config.storage.s3).readFile(REPORT_FILE)
  return report && (JSON.parse(report.toString('utf8')) as TrainingReport)
}

/** A whole line on stderr, clearing the live progress line a terminal shows there (it is redrawn after). */
function sayOverProgress(line: string): void {
  process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}${line}\n`)
}

function summary(config: Config, result: UpResult, report: TrainingReport | undefined): string {
  const { state, timings } = result
  const lines = [
    '',
    `Rows streamed: ${(state.produced?.rows ?? 0).toLocaleString('en')} into ${config.kafka.topic}` +
      (state.produced?.rejected ? ` (${state.produced.rejected} rejected)` : ''),
    `Batch files:   ${state.consumed?.files ?? 0} in ${displayPath(config.paths.batches)}/ ` +
      `(${(state.consumed?.rows ?? 0).toLocaleString('en')} rows)`,
  ]
  if (report) lines.push(formatTrainingSummary(report).trimEnd())
  const stageTimes = Object.entries(timings).map(([stage, seconds]) => `${stage} ${seconds.toFixed(1)} s`)
  if (stageTimes.length) lines.push(`Time per stage: ${stageTimes.join(' · ')}`)
  return `${lines.join('\n')}\n`
}

export function registerUpCommand(program: Command): void {
  program
    .command('up')
    .description(
      'Run the whole pipeline — engines, data set, produce, consume, train — then serve the API and the UI. ' +
        'Stages already done for the same input are skipped.',
    )
    .option(
      '--rows <n>',
      `rows of the synthetic data set when dataset/futuristic_city_traffic.csv is absent (default ${FULL_DATASET_ROWS})`,
      count,
    )
    .option('--seed <n>', 'seed of the synthetic data set', wholeNumberOption(DATA_SEED), 42)
    .option('--fresh', 'redo every stage: delete the topic, batch files, models (and a generated data set)')
    .option('--no-serve', 'stop after training instead of serving the API and the UI')
    .option('--no-live', 'serve without the live replay and streaming analytics (`traffic live`)')
    .option(
      '--no-retrain',
      'in live mode, do not follow the stream into batch files nor train challengers on them (`traffic consume ' +
        '--follow` and `traffic train --follow`); the models stay as trained',
    )
    .option(
      '--scenario <kind:City>',
      'the live feed’s scenario, as `traffic live --scenario`: jam:<City> or drift:<City>',
    )
    .option('--keep-engines', 'leave the engines this run started running when it ends')
    .option(
      '--trees <n>',
      'trees per forest or GBT iterations, for all three models (default: per model)',
      wholeNumberOption(TREES),
    )
    .option(
      '--depth <n>',
      'maximum tree depth (0 to 30), for all three models (default: per model)',
      wholeNumberOption(DEPTH),
    )
    .option('--partitions <n>', 'partitions of the topic when it is created (env KAFKA_PARTITIONS)', count)
    .action(
      action(async (flags: UpFlags) => {
        const config = loadConfig({ partitions: flags.partitions })
        // A mistyped scenario fails now, not after the whole pipeline ran.
        if (flags.scenario !== undefined) parseScenario(flags.scenario)
        const params = paramsWith({ numTrees: flags.trees, maxDepth: flags.depth })
        const controller = new AbortController()
        const stopRequested = untilSignal().then(() => controller.abort())
        const display = stageDisplay()
        let engines: EngineStatus[] = []
        let result: UpResult | undefined
        let api: ApiServer | undefined
        let ui: UiServer | undefined
        let learning: Promise<void> | undefined
        try {
          const began = performance.now()
          engines = await pipelineEngines(config)
          for (const engine of engines) display.log(formatStatus(engine))
          const engineSeconds = Math.round(performance.now() - began) / 1000
          result = await runPipeline(config, {
            rows: flags.rows ?? FULL_DATASET_ROWS,
            rowsGiven: flags.rows !== undefined,
            seed: flags.seed,
            fresh: flags.fresh === true,
            params,
            display,
            signal: controller.signal,
          })
          result.timings = { engines: engineSeconds, ...result.timings }
          display.stop()
          process.stdout.write(summary(config, result, result.report ?? (await readReport(config))))
          if (!flags.serve || controller.signal.aborted) return

          await ensureWebBuild()
          api = await startApiServer(config, {
            watch: true,
            logFile: path.join(config.engines.stateDir, 'api.log'),
          })
          ui = await startUiServer({ ...config.ui, distDir: DIST_DIR })
          process.stdout.write(
            `\n✔ API    ${api.url}  (docs ${api.url}/docs; log ${displayPath(path.join(config.engines.stateDir, 'api.log'))})\n✔ Web UI ${ui.url}\nReady. Ctrl+C stops everything.\n`,
          )
          // Live rows become batch files and better models while the stream is analysed, until Ctrl+C.
          if (flags.live && flags.retrain) {
            learning = learnLive(config, { params, signal: controller.signal, say: sayOverProgress })
          }
          // The stream analysed as it flows, until Ctrl+C; if it fails, the API and the UI keep serving.
          if (flags.live) {
            await liveCommand(config, { scenario: flags.scenario }, controller.signal).catch(
              (error: unknown) => {
                // Ctrl+C while the replay is still starting is the user's stop, not a failure.
                if (controller.signal.aborted)
                  process.stdout.write('■ live stopped (Ctrl+C) before the replay began\n')
                else process.stderr.write(`✖ live: ${describeError(error)}\n`)
              },
            )
          }
          await stopRequested
          await learning
        } finally {
          display.stop()
          await ui?.close()
          await api?.app.close()
          // Stop only what this run started: engines that were already running stay as they were.
          const started = engines.filter((e) => e.action === 'started').map((e) => e.name)
          if (!flags.keepEngines && started.length) {
            const keep = new Set(engines.map((e) => e.name).filter((name) => !started.includes(name)))
            for (const status of await stopEngines(config, keep))
              process.stdout.write(`${formatStatus(status)}\n`)
          }
        }
      }),
    )
}
