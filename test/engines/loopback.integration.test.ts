// Every port the started engines open is on loopback (unless TRAFFIC_ENGINES_HOST says otherwise), the Spark web
// UI included: read from the kernel's socket tables, so a port nobody knew about is caught too.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { engineStatuses } from '../../src/engines/lifecycle.ts'
import { isLoopback, listeningSockets } from './listening-sockets.ts'

const config = loadConfig()

test('the started engines listen on loopback only, on their configured ports and nothing wider', async () => {
  const statuses = await engineStatuses(config)
  const listening = new Map(statuses.map((s) => [s.name, s.pid === undefined ? [] : listeningSockets(s.pid)]))
  const ports = (name: string) => (listening.get(name) ?? []).map((s) => s.port)
  assert.ok(ports('Kafka').includes(config.kafka.port))
  assert.ok(ports('Kafka').includes(config.kafka.controllerPort))
  assert.ok(ports('Spark Connect').includes(config.spark.port))
  const wide = [...listening].flatMap(([name, sockets]) =>
    sockets.filter((s) => !isLoopback(s.address)).map((s) => `${name} [${s.address}]:${s.port}`),
  )
  assert.deepEqual(wide, [])
})

test("Spark's web UI and status API answer on loopback, read-only (no kill links)", async () => {
  const spark = (await engineStatuses(config)).find((s) => s.name === 'Spark Connect')
  assert.ok(spark?.pid, 'the Spark Connect server runs')
  // Lowest first: the UI's 4040… before the ephemeral driver RPC and block manager ports, which do not speak HTTP.
  const candidates = listeningSockets(spark.pid)
    .map((s) => s.port)
    .filter((port) => port !== config.spark.port)
    .sort((a, b) => a - b)
  let environment: { sparkProperties?: string[][] } | undefined
  for (const port of candidates) {
    const applications = await fetch(`http://127.0.0.1:${port}/api/v1/applications`, {
      // The UI's first request loads its servlets: slow on a loaded machine, but still an answer.
      signal: AbortSignal.timeout(60_000),
    }).catch(() => undefined)
    if (!applications?.ok) continue
    const [app] = (await applications.json()) as { id: string }[]
    const answer = await fetch(`http://127.0.0.1:${port}/api/v1/applications/${app?.id}/environment`)
    environment = await answer.json()
    break
  }
  assert.ok(environment, 'one of the Spark server ports serves the status API')
  const properties = new Map(environment.sparkProperties?.map(([key, value]) => [key, value]))
  assert.equal(properties.get('spark.ui.killEnabled'), 'false')
})
