// The `traffic` command. Each pipeline stage registers its own subcommand from src/cli/, explicitly.
import { Command } from 'commander'
import { registerClusterCommand } from './cli/cluster.ts'
import { registerConsumeCommand } from './cli/consume.ts'
import { registerEnginesCommand } from './cli/engines.ts'
import { registerGenerateCommand } from './cli/generate.ts'
import { registerLiveCommand } from './cli/live.ts'
import { registerModelsCommand } from './cli/models.ts'
import { registerProduceCommand } from './cli/produce.ts'
import { registerServeCommand } from './cli/serve.ts'
import { registerTrainCommand } from './cli/train.ts'
import { registerUiCommand } from './cli/ui.ts'
import { registerUpCommand } from './cli/up.ts'

const program = new Command('traffic')
  .description('Urban traffic analysis: Kafka → Spark → API → UI, on real local engines.')
  .showHelpAfterError()

registerUpCommand(program)
registerEnginesCommand(program)
registerClusterCommand(program)
registerGenerateCommand(program)
registerProduceCommand(program)
registerConsumeCommand(program)
registerTrainCommand(program)
registerModelsCommand(program)
registerServeCommand(program)
registerUiCommand(program)
registerLiveCommand(program)

await program.parseAsync()
