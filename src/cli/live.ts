// `traffic live` (replay the city clock, analyse it live in Spark) and `traffic live status`.
import type { Command } from 'commander'
import { type Config, DEFAULTS, loadConfig } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { type LiveQueryStatus, liveQueries } from '../live/queries.ts'
import { parseScenario } from '../live/replay.ts'
import { type LiveProgress, type LiveSummary, runLive } from '../live/run.ts'
import { action, stopSignal } from './run.ts'
import { count } from './whole-numbers.ts'

interface LiveFlags {
  clock?: number
  rate?: number
  scenario?: string
  duration?: number
  limit?: number
  start?: string
  reset?: boolean
}

const number = (value: number | null, digits = 0) =>
  value === null ? '–' : value.toLocaleString('en-US', { maximumFractionDigits: digits })

export function formatQuery(query: LiveQueryStatus): string {
  return (
    `${query.isActive ? '▶' : '■'} ${query.name.padEnd(22)} batch ${number(query.batchId).padStart(6)} · ` +
    `in ${number(query.inputRowsPerSecond).padStart(7)} rows/s · processed ${number(query.processedRowsPerSecond).padStart(7)} rows/s · ` +
    `batch ${number(query.batchDurationMs)} ms · watermark ${query.watermark ?? '–'}`
  )
}

function progressLine(progress: LiveProgress): string {
  const { replay, totals } = progress
  const windows = progress.queries[0]
  const jam =
    replay.jam && replay.clock >= replay.jam.from && replay.clock < replay.jam.to
      ? ` · JAM ${replay.jam.city}`
      : replay.drift
        ? ` · DRIFT ${replay.drift.city}`
        : ''
  return (
    `clock ${replay.clock.toISOString().slice(0, 16).replace('T', ' ')} · sent ${number(replay.sent)} · ` +
    `Spark read ${number(totals.rows)} (${number(totals.malformed)} malformed) · ` +
    `processed ${number(windows?.processedRowsPerSecond ?? null)} rows/s${jam}`
  )
}

function summary(config: Config, result: LiveSummary, interrupted: boolean): string {
  const { replay, totals } = result
  const lines = [
    '',
    `✔ live replay ${interrupted ? 'stopped (Ctrl+C)' : 'done'}: ${number(replay.sent)} rows in ${replay.seconds.toFixed(1)} s ` +
      `into ${config.kafka.topic}, simulated clock ${replay.clock.toISOString()}`,
    `  Spark read ${number(totals.rows)} rows, ${number(totals.malformed)} malformed (skipped)` +
      (totals.restarts ? `, queries resumed ${totals.restarts}× after losing the server` : '') +
      (interrupted || result.caughtUp ? '' : ' — the queries had not read every row yet'),
    `  windows → ${config.live.windowsTopic} · alerts → ${config.live.alertsTopic} (thresholds from ${result.thresholds.source})`,
  ]
  if (replay.drift)
    lines.push(`  drift: ${replay.drift.city} changed from ${replay.drift.from.toISOString()} on`)
  if (replay.jam)
    lines.push(
      `  jam: ${replay.jam.city} ${replay.jam.from.toISOString()} → ${replay.jam.to.toISOString()} (${number(replay.jam.rows)} rows)`,
    )
  for (const query of result.queries) lines.push(`  ${formatQuery(query)}`)
  return `${lines.join('\n')}\n`
}

function parseStart(raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined
  const date = new Date(raw)
  if (Number.isNaN(date.getTime())) {
    throw new TrafficError('INVALID_INPUT', `--start must be an ISO-8601 time, got "${raw}"`)
  }
  return date
}

/** Runs the live replay and queries until Ctrl+C (or --duration / --limit); also used by `traffic up`. */
export async function liveCommand(config: Config, flags: LiveFlags, signal: AbortSignal): Promise<void> {
  const scenario = flags.scenario === undefined ? undefined : parseScenario(flags.scenario)
  const tty = process.stderr.isTTY
  let lastLine = Number.NEGATIVE_INFINITY
  const result = await runLive(config, {
    start: parseStart(flags.start),
    reset: flags.reset,
    scenario,
    durationSeconds: flags.duration,
    limit: flags.limit,
    signal,
    onPhase: (message) => process.stderr.write(`${tty ? '\r\x1b[K' : ''}… ${message}\n`),
    onProgress: (progress) => {
      if (tty) process.stderr.write(`\r\x1b[K${progressLine(progress)}`)
      else if (performance.now() - lastLine > 10_000) {
        lastLine = performance.now()
        process.stderr.write(`${progressLine(progress)}\n`)
      }
    },
  })
  if (tty) process.stderr.write('\n')
  process.stdout.write(summary(config, result, signal.aborted))
}

export function registerLiveCommand(program: Command): void {
  const live = program
    .command('live')
    .description(
      'Send a live city (simulated clock; new rows drawn from the data set’s profile) and analyse it as it flows: Spark Structured ' +
        'Streaming windows per city and congestion alerts, until Ctrl+C',
    )
    .option(
      '--clock <n>',
      `simulated seconds per real second (env LIVE_CLOCK, default ${DEFAULTS.liveClock})`,
      count,
    )
    .option(
      '--rate <rows/s>',
      `rows sent per real second (env LIVE_RATE, default ${DEFAULTS.liveRate})`,
      count,
    )
    .option(
      '--scenario <kind:City>',
      'jam:<City>: a congestion burst, that city’s densities far above usual for one simulated hour (made-up ' +
        'rows, kept out of training) · drift:<City>: a lasting change from the run’s start to its end, that city’s density level ' +
        '×1.5 and density falling with speed instead of rising at both ends (real new traffic, trained on)',
    )
    .option('--duration <s>', 'stop after this many real seconds', count)
    .option('--limit <rows>', 'stop after sending this many rows', count)
    .option(
      '--start <iso>',
      'simulated time of the first row (default: now rounded down to the hour, or where the last run stopped ' +
        'if later); refused when before the watermark the queries resume with, as its rows would be dropped',
    )
    .option(
      '--reset',
      'start the queries afresh: delete their checkpoints (window state, offsets, watermark) and the saved clock',
    )
    .action(
      action(async (flags: LiveFlags) => {
        const config = loadConfig({ liveClock: flags.clock, liveRate: flags.rate })
        await liveCommand(config, flags, stopSignal())
      }),
    )

  live
    .command('status')
    .description(
      'The running live queries with Spark’s own progress (input and processed rows/s, batch, watermark)',
    )
    .action(
      action(async () => {
        const queries = await liveQueries(loadConfig())
        if (queries.length === 0) {
          process.stdout.write('No live queries are running (start them with `traffic live`).\n')
          return
        }
        for (const query of queries) {
          process.stdout.write(
            `${formatQuery(query)}\n  malformed in last batch ${number(query.malformedRows)}, ` +
              `in recent batches ${number(query.recentMalformedRows)} · at ${query.timestamp ?? '–'}\n`,
          )
        }
      }),
    )
}
