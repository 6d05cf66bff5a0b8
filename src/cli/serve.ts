// `traffic serve`: the prediction API over the saved Spark models, reloading them when the folder changes.
import type { Command } from 'commander'
import { startApiServer } from '../api/server.ts'
import { loadConfig } from '../config.ts'
import { SERVED_MODELS } from '../serving/model-catalog.ts'
import { action, untilSignal } from './run.ts'
import { API_PORT, wholeNumberOption } from './whole-numbers.ts'

interface ServeOptions {
  port?: number
  host?: string
  models?: string
  watch: boolean
  live: boolean
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the prediction API (the seed endpoints, batch, docs, metrics) on http://127.0.0.1:5000',
    )
    .option('--port <port>', 'port to listen on (env API_PORT, default 5000)', wholeNumberOption(API_PORT))
    .option('--host <host>', 'address to listen on (env API_HOST, default 127.0.0.1)')
    .option('--models <dir>', 'folder of the saved models (env TRAFFIC_MODELS, default spark_models_traffic)')
    .option(
      '--no-watch',
      'do not reload the models when their folder changes (POST /admin/reload still works)',
    )
    .option('--no-live', 'do not follow the live stream on Kafka (GET /live then says the live view is off)')
    .action(
      action(async (options: ServeOptions) => {
        const config = loadConfig({ apiPort: options.port, apiHost: options.host, models: options.models })
        const { app, url } = await startApiServer(config, { watch: options.watch, live: options.live })
        process.stdout.write(`✔ API on ${url} — docs ${url}/docs; Ctrl+C stops it\n`)
        for (const spec of SERVED_MODELS) {
          const slot = app.models.slot(spec.id)
          const where = `${spec.folder} → /predict_${spec.id}`
          process.stdout.write(
            slot?.model
              ? `  ✔ ${where} (Spark ${slot.model.sparkVersion}, ${slot.model.stages.length} stages)\n`
              : `  ✖ ${where}: not loaded — ${slot?.error ?? 'unknown'} (answers 503; run \`traffic train\`)\n`,
          )
        }
        await untilSignal()
        await app.close()
      }),
    )
}
