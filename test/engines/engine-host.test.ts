// Where the engines listen, as configured: the client-facing ports follow TRAFFIC_ENGINES_HOST, the ports that only
// serve the engine itself (Kafka's controller, Spark's driver) stay on loopback.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { kafkaEngine } from '../../src/engines/kafka.ts'
import { sparkEngine } from '../../src/engines/spark.ts'

const stateDir = mkdtempSync(path.join(tmpdir(), 'traffic-engine-host-'))
after(() => rmSync(stateDir, { recursive: true, force: true }))
const config = loadConfig({ stateDir }, { TRAFFIC_ENGINES_HOST: '10.1.2.3' })

test('Kafka: the broker listens on and advertises the host; the controller stays on loopback', async () => {
  const kafka = kafkaEngine(config)
  // Only the written configuration matters here, not the storage formatting it would run first.
  await kafka.prepare(async () => undefined)
  const properties = readFileSync(path.join(kafka.dir, 'server.properties'), 'utf8')
  assert.match(properties, /^listeners=PLAINTEXT:\/\/10\.1\.2\.3:9092,CONTROLLER:\/\/127\.0\.0\.1:9093$/m)
  assert.match(
    properties,
    /^advertised\.listeners=PLAINTEXT:\/\/10\.1\.2\.3:9092,CONTROLLER:\/\/127\.0\.0\.1:9093$/m,
  )
  assert.deepEqual(kafka.ports, [
    { host: '10.1.2.3', port: 9092 },
    { host: '127.0.0.1', port: 9093 },
  ])
})

test('Spark: Connect and the web UI on the host, read-only; the driver ports on loopback', () => {
  const { args, env } = sparkEngine(config).command()
  assert.ok(args.includes('-Dspark.connect.grpc.binding.address=10.1.2.3'))
  assert.ok(args.includes('-Dspark.driver.bindAddress=127.0.0.1'))
  assert.ok(args.includes('-Dspark.ui.killEnabled=false'))
  assert.deepEqual(env, { SPARK_LOCAL_IP: '10.1.2.3' })
})
