// Runs `traffic …` as a user does (bin/traffic.js in its own process) and collects what it printed.
import { spawn } from 'node:child_process'
import path from 'node:path'

const BIN = path.resolve('bin/traffic.js')

export interface CliRun {
  code: number | null
  stdout: string
  stderr: string
}

export function traffic(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })))
}
