// The `traffic` command. Each pipeline stage registers its own subcommand from src/cli/, explicitly. Only the
// subcommand being run is loaded (with what it imports): `traffic models list` need not load Spark's client,
// the API and the AWS SDK first. A bare `traffic`, `traffic help` or an unknown name loads them all, for the help.
import { Command } from 'commander'

type Register = (program: Command) => void

/** The subcommands in the order `traffic --help` lists them. */
const SUBCOMMANDS: Record<string, () => Promise<Register>> = {
  up: async () => (await import('./cli/up.ts')).registerUpCommand,
  engines: async () => (await import('./cli/engines.ts')).registerEnginesCommand,
  cluster: async () => (await import('./cli/cluster.ts')).registerClusterCommand,
  generate: async () => (await import('./cli/generate.ts')).registerGenerateCommand,
  produce: async () => (await import('./cli/produce.ts')).registerProduceCommand,
  consume: async () => (await import('./cli/consume.ts')).registerConsumeCommand,
  train: async () => (await import('./cli/train.ts')).registerTrainCommand,
  models: async () => (await import('./cli/models.ts')).registerModelsCommand,
  serve: async () => (await import('./cli/serve.ts')).registerServeCommand,
  ui: async () => (await import('./cli/ui.ts')).registerUiCommand,
  live: async () => (await import('./cli/live.ts')).registerLiveCommand,
}

const program = new Command('traffic')
  .description('Urban traffic analysis: Kafka → Spark → API → UI, on real local engines.')
  .showHelpAfterError()

const named = process.argv[2]
const loading = named !== undefined && Object.hasOwn(SUBCOMMANDS, named) ? [named] : Object.keys(SUBCOMMANDS)
for (const register of await Promise.all(loading.map((name) => SUBCOMMANDS[name]?.()))) register?.(program)

await program.parseAsync()
