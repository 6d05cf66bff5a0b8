// `traffic engines fetch|protocol|start|stop|status|logs`: the local Kafka broker and Spark Connect server.
import { createReadStream, existsSync, watch } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { displayPath } from '../display-path.ts'
import {
  fetchEngines,
  OPTIONAL_ENGINES,
  type OptionalEngine,
  prepareSparkProtocol,
} from '../engines/fetch.ts'
import {
  type EngineStatus,
  engineStatuses,
  localEngines,
  startEngines,
  stopEngines,
} from '../engines/lifecycle.ts'
import { logTail } from '../engines/process.ts'
import { s3aEngines } from '../engines/s3a.ts'
import { TrafficError } from '../errors.ts'
import { action } from './run.ts'
import { count } from './whole-numbers.ts'

export function formatStatus(status: EngineStatus): string {
  const mark = status.healthy ? '✔' : status.action === 'stopped' || status.action === 'killed' ? '■' : '✖'
  const parts = [`${mark} ${`${status.name} ${status.version}`.padEnd(22)}`]
  const state =
    status.action === 'started' && status.startSeconds !== undefined
      ? `started in ${status.startSeconds.toFixed(1)} s`
      : status.action === 'external'
        ? status.healthy
          ? 'external, reachable'
          : 'external, NOT reachable'
        : (status.action === 'already running' || status.action === 'running') && !status.healthy
          ? 'running, NOT healthy'
          : (status.action ?? '')
  parts.push(state.padEnd(20), status.endpoint.padEnd(24))
  if (status.pid !== undefined) parts.push(`pid ${status.pid}`.padEnd(11))
  if (status.logFile) parts.push(`log ${displayPath(status.logFile)}`)
  if (status.note) parts.push(`\n    ${status.note}`)
  return parts.join(' ')
}

function print(statuses: EngineStatus[]): void {
  for (const status of statuses) process.stdout.write(`${formatStatus(status)}\n`)
}

/** Prints the statuses; an engine that is not healthy makes the command fail. */
function report(statuses: EngineStatus[]): void {
  print(statuses)
  if (statuses.some((s) => !s.healthy)) process.exitCode = 1
}

export function registerEnginesCommand(program: Command): void {
  const engines = program
    .command('engines')
    .description('Fetch, start, stop and inspect the local Apache Kafka broker and Spark Connect server')

  engines
    .command('fetch')
    .description(
      'Download the pinned engine jars from Maven Central into the cache (once; later runs are instant)',
    )
    .option('--cache <dir>', 'cache folder for engine jars (env TRAFFIC_ENGINES_CACHE)')
    .option(
      '--with <extra>',
      'also fetch an optional engine: s3 (S3Proxy, the local S3 server, ~98 MB, and Spark’s S3A connector, ~14 MB; the connector alone is fetched whenever TRAFFIC_BATCHES or TRAFFIC_MODELS is s3://)',
    )
    .action(
      action(async (options: { cache?: string; with?: string }) => {
        const config = loadConfig({ cacheDir: options.cache })
        const extras = [
          ...(options.with === undefined ? [] : OPTIONAL_ENGINES[optionalEngine(options.with)]),
          ...s3aEngines(config),
        ]
        for (const result of await fetchEngines(config.engines.cacheDir, extras)) {
          const how = result.fetched ? 'fetched into' : 'already in'
          const size = `${result.jars} jars, ${(result.bytes / 1e6).toFixed(1)} MB`
          process.stdout.write(
            `✔ ${result.engine.name} ${result.engine.version} (${size}) ${how} ${result.dir}\n`,
          )
        }
      }),
    )

  engines
    .command('protocol')
    .description(
      'Extract the Spark Connect protos from the pinned jar and generate their TypeScript types (before typecheck and start)',
    )
    .option('--cache <dir>', 'cache folder for engine jars (env TRAFFIC_ENGINES_CACHE)')
    .action(
      action(async (options: { cache?: string }) => {
        const config = loadConfig({ cacheDir: options.cache })
        const { protosDir, generated } = await prepareSparkProtocol(config.engines.cacheDir)
        const how = generated ? 'generated from' : 'up to date with'
        process.stdout.write(`✔ Spark Connect types ${how} ${displayPath(protosDir)}\n`)
      }),
    )

  engines
    .command('start')
    .description(
      'Start Kafka (KRaft, 127.0.0.1:9092/9093) and Spark Connect (127.0.0.1:15002) and wait until healthy',
    )
    .action(action(async () => report(await startEngines(loadConfig()))))

  engines
    .command('stop')
    .description('Stop the local engines cleanly (SIGTERM, then SIGKILL after 30 s)')
    .action(action(async () => print(await stopEngines(loadConfig()))))

  engines
    .command('status')
    .description('Show versions, endpoints, PIDs, health and log files; exit code 1 if one is not healthy')
    .action(action(async () => report(await engineStatuses(loadConfig()))))

  engines
    .command('logs')
    .description('Print the end of an engine log')
    .argument('[engine]', 'kafka or spark (default: both)')
    .option('-n, --lines <n>', 'number of lines', count, 40)
    .option('-f, --follow', 'keep printing new lines (one engine only)')
    .action(
      action(async (name: string | undefined, options: { lines: number; follow?: boolean }) => {
        const all = localEngines(loadConfig())
        const chosen = name ? all.filter((e) => e.name.toLowerCase().startsWith(name.toLowerCase())) : all
        if (!chosen.length) {
          throw new TrafficError('INVALID_INPUT', `unknown engine "${name}"`, { hint: 'use kafka or spark' })
        }
        for (const engine of chosen) {
          process.stdout.write(`── ${engine.name}: ${displayPath(engine.files.logFile)}\n`)
          process.stdout.write(`${await logTail(engine.files.logFile, options.lines)}\n`)
        }
        const [only] = chosen
        if (options.follow && chosen.length === 1 && only && existsSync(only.files.logFile)) {
          await followFile(only.files.logFile)
        }
      }),
    )
}

function optionalEngine(name: string): OptionalEngine {
  if (!Object.hasOwn(OPTIONAL_ENGINES, name)) {
    throw new TrafficError(
      'INVALID_INPUT',
      `--with must be one of ${Object.keys(OPTIONAL_ENGINES).join(', ')}, got "${name}"`,
    )
  }
  return name as OptionalEngine
}

/** Streams what is appended to a file until Ctrl+C. */
async function followFile(file: string): Promise<void> {
  let position = (await stat(file)).size
  await new Promise<void>(() => {
    watch(file, () => {
      const stream = createReadStream(file, { start: position })
      stream.on('data', (chunk) => {
        position += chunk.length
        process.stdout.write(chunk)
      })
    })
  })
}
