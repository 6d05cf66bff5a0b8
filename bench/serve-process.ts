// `traffic serve` in its own process for the API benchmarks, so the load generator does not share its event loop.
import { spawn } from 'node:child_process'
import path from 'node:path'

/** Starts `traffic serve` on a free port over `modelsDir` (plus `args`); `url` resolves once all models load. */
export function startServe(modelsDir: string, args: string[] = []) {
  const child = spawn(
    process.execPath,
    [path.resolve('bin/traffic.js'), 'serve', '--port', '0', '--models', modelsDir, '--no-live', ...args],
    { env: { ...process.env, API_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /API on (http:\/\/[^ ]+) /.exec(output)
      if (match && output.includes('→ /predict_energy_consumption')) {
        if (output.includes('not loaded')) reject(new Error(`some models are not loaded:\n${output}`))
        else resolve(match[1] as string)
      }
    })
    child.once('exit', (code) => reject(new Error(`traffic serve exited (${code}):\n${output}`)))
  })
  return { child, url }
}
