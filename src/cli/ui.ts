// `traffic ui`: serves the web UI (building it first when needed) and forwards its /api calls to the API.
import path from 'node:path'
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { DIST_DIR, ensureWebBuild } from '../ui/build.ts'
import { startUiServer } from '../ui/server.ts'
import { action, untilSignal } from './run.ts'
import { UI_PORT, wholeNumberOption } from './whole-numbers.ts'

interface UiOptions {
  port?: number
  host?: string
  api?: string
}

export function registerUiCommand(program: Command): void {
  program
    .command('ui')
    .description(
      'Serve the web UI on http://127.0.0.1:8501 (built first with Vite when missing or out of date)',
    )
    .option('--port <port>', 'port to listen on (env UI_PORT, default 8501)', wholeNumberOption(UI_PORT))
    .option('--host <host>', 'address to listen on (env UI_HOST, default 127.0.0.1)')
    .option('--api <url>', 'the API the UI talks to (env TRAFFIC_API_URL, default http://127.0.0.1:5000)')
    .action(
      action(async (options: UiOptions) => {
        const config = loadConfig({ uiPort: options.port, uiHost: options.host, apiUrl: options.api })
        const build = await ensureWebBuild()
        if (build.built) {
          const where = path.relative(process.cwd(), DIST_DIR)
          process.stdout.write(
            `✔ built the web UI into ${where} in ${build.seconds?.toFixed(1)} s (${build.reason})\n`,
          )
        }
        const server = await startUiServer({ ...config.ui, distDir: DIST_DIR })
        process.stdout.write(
          `✔ web UI on ${server.url} — talking to the API at ${config.ui.apiUrl}; Ctrl+C stops it\n`,
        )
        await untilSignal()
        await server.close()
      }),
    )
}
