// `traffic serve`: the prediction API over the saved Spark models, reloading them when the folder changes.
import type { AddressInfo } from 'node:net'
import type { Command } from 'commander'
import { buildApp } from '../api/app.ts'
import { loadConfig } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { SERVED_MODELS } from '../serving/model-catalog.ts'
import { action } from './run.ts'

interface ServeOptions {
  port?: number
  host?: string
  models?: string
  watch: boolean
}

/** Quiet time after the last change in the models folder before reloading (a training run writes many files). */
const RELOAD_DEBOUNCE_MS = 500

function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(
      'Serve the prediction API (the seed endpoints, batch, docs, metrics) on http://127.0.0.1:5000',
    )
    .option('--port <port>', 'port to listen on (env API_PORT, default 5000)', Number)
    .option('--host <host>', 'address to listen on (env API_HOST, default 127.0.0.1)')
    .option('--models <dir>', 'folder of the saved models (env TRAFFIC_MODELS, default spark_models_traffic)')
    .option(
      '--no-watch',
      'do not reload the models when their folder changes (POST /admin/reload still works)',
    )
    .action(
      action(async (options: ServeOptions) => {
        const config = loadConfig({ apiPort: options.port, apiHost: options.host, models: options.models })
        const app = await buildApp({
          modelsDir: config.paths.models,
          corsOrigins: config.api.corsOrigins,
          logger: { level: config.api.logLevel },
          ...(options.watch ? { watchDebounceMs: RELOAD_DEBOUNCE_MS } : {}),
        })
        try {
          await app.listen({ port: config.api.port, host: config.api.host })
        } catch (error) {
          await app.close()
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
          throw new TrafficError(
            'PORT_IN_USE',
            `Port ${config.api.port} on ${config.api.host} is already in use`,
            {
              hint: 'Stop the other server, or choose another port with --port (or API_PORT)',
            },
          )
        }
        // The bound port, not the asked one: --port 0 picks a free port.
        const { port } = app.server.address() as AddressInfo
        const host = config.api.host.includes(':') ? `[${config.api.host}]` : config.api.host
        const url = `http://${host}:${port}`
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
