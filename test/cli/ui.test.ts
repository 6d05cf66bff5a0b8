import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startTraffic, traffic } from '../fixtures/cli.ts'
import { freePort } from '../fixtures/ports.ts'

test('`traffic ui` serves the app and its settings until Ctrl+C', async () => {
  const [uiPort, apiPort] = [await freePort(), await freePort()]
  const ui = startTraffic(['ui', '--port', String(uiPort), '--api', `http://127.0.0.1:${apiPort}`])
  try {
    await ui.printed('web UI on')
    assert.match(
      ui.output(),
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
    ui.child.kill('SIGINT')
  }
  assert.equal(await ui.exited, 0, ui.output())
})

test('`traffic ui` with a bad API address fails with the setting named', async () => {
  const run = await traffic(['ui', '--api', 'ftp://nowhere'])
  assert.equal(run.code, 1)
  assert.match(run.stderr, /TRAFFIC_API_URL \(--api\) must be an http\(s\) URL, got "ftp:\/\/nowhere"/)
})
