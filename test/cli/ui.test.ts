import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'

async function freePort(): Promise<number> {
  const server = http.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  server.close()
  await once(server, 'close')
  return port
}

test('`traffic ui` serves the app and its settings until Ctrl+C', async () => {
  const [uiPort, apiPort] = [await freePort(), await freePort()]
  const child = spawn(
    process.execPath,
    ['bin/traffic.js', 'ui', '--port', String(uiPort), '--api', `http://127.0.0.1:${apiPort}`],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.on('data', (chunk) => {
    output += chunk
  })
  child.stderr.on('data', (chunk) => {
    output += chunk
  })
  try {
    const started = Date.now()
    while (!output.includes('web UI on') && child.exitCode === null && Date.now() - started < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    assert.match(
      output,
      new RegExp(`web UI on http://127.0.0.1:${uiPort} — talking to the API at http://127.0.0.1:${apiPort}`),
    )
    const page = await fetch(`http://127.0.0.1:${uiPort}/`)
    assert.equal(page.status, 200)
    assert.match(await page.text(), /<div id="root"><\/div>/)
    assert.deepEqual(await (await fetch(`http://127.0.0.1:${uiPort}/config.json`)).json(), {
      apiUrl: `http://127.0.0.1:${apiPort}`,
    })
    // Nothing listens on the API port: the UI answers for it, saying so.
    assert.equal((await fetch(`http://127.0.0.1:${uiPort}/api/`)).status, 502)
  } finally {
    child.kill('SIGINT')
  }
  const [code] = await once(child, 'exit')
  assert.equal(code, 0, output)
})

test('`traffic ui` with a bad API address fails with the setting named', async () => {
  const child = spawn(process.execPath, ['bin/traffic.js', 'ui', '--api', 'ftp://nowhere'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const [code] = await once(child, 'exit')
  assert.equal(code, 1)
  assert.match(stderr, /TRAFFIC_API_URL \(--api\) must be an http\(s\) URL, got "ftp:\/\/nowhere"/)
})
