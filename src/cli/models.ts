// `traffic models`: the model registry from the command line — the versions with their held-out metrics, one
// version in full, and promoting or rolling back the served version (the API follows within its reload delay).
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { TrafficError } from '../errors.ts'
import {
  type Aliases,
  type LogEntry,
  type ModelRegistry,
  openRegistry,
  registryView,
  type VersionRecord,
} from '../lifecycle/registry.ts'
import type { ClassificationMetrics, Metrics } from '../training/evaluate.ts'
import { MODEL_SPECS } from '../training/model-specs.ts'
import { formatMetrics } from '../training/summary.ts'
import { action } from './run.ts'

interface ModelsFlags {
  models?: string
  json?: boolean
  reason?: string
}

/** The flags of the parent command (`--models`) merged with the subcommand's own. */
function flagsOf(command: Command): ModelsFlags {
  return command.optsWithGlobals<ModelsFlags>()
}

function registryFor(flags: ModelsFlags): ModelRegistry {
  return openRegistry(loadConfig({ models: flags.models }))
}

function json(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

/** R² of a regression, area under ROC of a classifier: one figure per model for the table. */
function headline(metrics: Metrics | undefined): string {
  if (!metrics) return '–'
  return 'accuracy' in metrics
    ? `AUC ${(metrics as ClassificationMetrics).areaUnderROC.toFixed(3)}`
    : `R² ${metrics.r2.toFixed(3)}`
}

function mark(id: string, aliases: Aliases): string {
  if (id === aliases.champion) return 'champion'
  return id === aliases.challenger ? 'challenger' : ''
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? []
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

export function formatLogEntry(entry: LogEntry): string {
  const change =
    entry.action === 'reject'
      ? `${entry.to} rejected (champion ${entry.from})`
      : `${entry.from ?? '(none)'} → ${entry.to}`
  const compared = entry.comparison ? ` on ${entry.comparison.rows} held-out rows` : ''
  return `#${entry.seq} ${entry.at} ${entry.action} ${change}: ${entry.reason}${compared}`
}

function formatVersions(versions: VersionRecord[], aliases: Aliases, log: LogEntry[]): string {
  if (versions.length === 0) return 'No model versions yet: run `traffic train`.\n'
  const header = ['', 'version', 'trained at', 'rows', ...MODEL_SPECS.map((spec) => spec.name), 'reason']
  const rows = versions.map((version) => [
    mark(version.id, aliases),
    version.id,
    version.trainedAt,
    String(version.data.rows),
    ...MODEL_SPECS.map((spec) => headline(version.metrics[spec.name])),
    version.reason,
  ])
  const recent = log.slice(-10).map((entry) => `  ${formatLogEntry(entry)}`)
  const history = recent.length
    ? `\nPromotion log (latest ${recent.length} of ${log.length}):\n${recent.join('\n')}\n`
    : ''
  return `${table([header, ...rows])}\n${history}`
}

function formatVersion(version: VersionRecord, aliases: Aliases, log: LogEntry[]): string {
  const role = mark(version.id, aliases)
  const partitions = version.data.partitions
    .map((range) => `partition ${range.partition} offsets ${range.first}–${range.last}`)
    .join(', ')
  const lines = [
    `version     ${version.id}${role ? ` (${role})` : ''}`,
    `trained at  ${version.trainedAt}`,
    `reason      ${version.reason}`,
    `data        ${version.data.rows} rows in ${version.data.batches} batch file(s) of ${version.data.topic || '?'}${partitions ? `: ${partitions}` : ''}`,
    ...MODEL_SPECS.map((spec) => {
      const metrics = version.metrics[spec.name]
      return `  ${spec.name.padEnd(26)} ${metrics ? formatMetrics(metrics) : '–'}  (${version.learners[spec.name] ?? '?'})`
    }),
  ]
  const mentions = log.filter((entry) => entry.to === version.id || entry.from === version.id)
  if (mentions.length) lines.push('log', ...mentions.map((entry) => `  ${formatLogEntry(entry)}`))
  return `${lines.join('\n')}\n`
}

export function registerModelsCommand(program: Command): void {
  const models = program
    .command('models')
    .description(
      'The model registry: versions, champion and challenger, the promotion log; promote or roll back',
    )
    .option(
      '--models <dir>',
      'models folder or s3://bucket/prefix (env TRAFFIC_MODELS, default spark_models_traffic)',
    )

  models
    .command('list')
    .description('every complete version, newest first, with its held-out metrics and the promotion log')
    .option('--json', 'print { champion, challenger, versions, log } as JSON')
    .action(
      action(async (_options: ModelsFlags, command: Command) => {
        const flags = flagsOf(command)
        const view = await registryView(registryFor(flags))
        if (flags.json) return json(view)
        process.stdout.write(formatVersions(view.versions, view, view.log))
      }),
    )

  models
    .command('show <id>')
    .description('one version: the data it saw, its learners and metrics, its log entries')
    .option('--json', 'print the version record as JSON')
    .action(
      action(async (id: string, _options: ModelsFlags, command: Command) => {
        const flags = flagsOf(command)
        const registry = registryFor(flags)
        const version = await registry.get(id)
        if (!version) {
          throw new TrafficError('MODEL_NOT_FOUND', `No models version "${id}" in ${registry.location}`, {
            hint: 'list the versions with `traffic models list`',
          })
        }
        if (flags.json) return json(version)
        process.stdout.write(formatVersion(version, await registry.aliases(), await registry.log()))
      }),
    )

  models
    .command('promote <id>')
    .description('serve version <id> (the API switches to it without a failed request) and log it')
    .option('--reason <text>', 'why, in the promotion log', 'promoted by hand')
    .action(
      action(async (id: string, _options: ModelsFlags, command: Command) => {
        const flags = flagsOf(command)
        const entry = await registryFor(flags).promote(id, flags.reason as string)
        process.stdout.write(`✔ ${formatLogEntry(entry)}\n`)
      }),
    )

  models
    .command('rollback')
    .description('serve again the champion before the last promotion that was not rolled back, and log it')
    .option('--reason <text>', 'why, in the promotion log', 'rolled back by hand')
    .action(
      action(async (_options: ModelsFlags, command: Command) => {
        const flags = flagsOf(command)
        const entry = await registryFor(flags).rollback(flags.reason as string)
        process.stdout.write(`✔ ${formatLogEntry(entry)}\n`)
      }),
    )
}
