// `traffic serve` as a user runs it: prints the URL and each model's state, answers, exits cleanly on SIGTERM/SIGINT.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { type RunningTraffic, startTraffic, traffic } from '../fixtures/cli.ts'

/** `traffic serve` on a free port; `url` resolves once it prints where it listens and its last route. */
function startServe(modelsDir: string): RunningTraffic & { url: Promise<string> } {
  const serve = startTraffic(['serve', '--port', '0', '--models', modelsDir, '--no-live'], {
    API_LOG_LEVEL: 'warn',
  })
  const url = serve
    .printed(/API on (http:\/\/127\.0\.0\.1:\d+)[\s\S]*→ \/predict_energy_consumption/)
    .then((match) => match[1] as string)
  return { ...serve, url }
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
      serve.child.kill(signal)
      assert.equal(await serve.exited, 0)
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
    const second = await traffic(['serve', '--port', port, '--models', models, '--no-live'], {
      API_LOG_LEVEL: 'warn',
    })
    assert.equal(second.code, 1)
    assert.match(second.stderr, new RegExp(`Port ${port} on 127.0.0.1 is already in use`))
  } finally {
    first.child.kill('SIGKILL')
    rmSync(models, { recursive: true, force: true })
  }
})
