// `traffic serve` as a user runs it: prints the URL and each model's state, answers, exits cleanly on SIGTERM/SIGINT.
import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'

const BIN = path.resolve('bin/traffic.js')

function startServe(modelsDir: string): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--models', modelsDir], {
    env: { ...process.env, API_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match && output.includes('→ /predict_energy_consumption')) resolve(match[1] as string)
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code) =>
      reject(new Error(`traffic serve exited (${code}) before listening:\n${output}`)),
    )
  })
  return { child, output: () => output, url }
}

function exitCode(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`traffic serve prints where it listens and which models are missing, then stops on ${signal}`, async () => {
    const models = mkdtempSync(path.join(tmpdir(), 'serve-cli-'))
    const serve = startServe(models)
    try {
      const url = await serve.url
      assert.match(
        serve.output(),
        /✖ traffic_density_model → \/predict_traffic_density: not loaded — no saved model in /,
      )
      assert.match(serve.output(), /run `traffic train`/)
      const root = (await (await fetch(`${url}/`)).json()) as { status: string }
      assert.equal(root.status, 'API is running')
      const exited = exitCode(serve.child)
      serve.child.kill(signal)
      assert.equal(await exited, 0)
    } finally {
      serve.child.kill('SIGKILL')
      rmSync(models, { recursive: true, force: true })
    }
  })
}

test('traffic serve on a port in use says so and exits non-zero', async () => {
  const models = mkdtempSync(path.join(tmpdir(), 'serve-cli-'))
  const first = startServe(models)
  try {
    const port = new URL(await first.url).port
    const second = spawn(process.execPath, [BIN, 'serve', '--port', port, '--models', models], {
      env: { ...process.env, API_LOG_LEVEL: 'warn' },
    })
    let stderr = ''
    second.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
    })
    assert.equal(await exitCode(second), 1)
    assert.match(stderr, new RegExp(`Port ${port} on 127.0.0.1 is already in use`))
  } finally {
    first.child.kill('SIGKILL')
    rmSync(models, { recursive: true, force: true })
  }
})
