import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../src/config.ts'
import { isTrafficError } from '../src/errors.ts'

test('defaults describe the embedded local engines and the seed names', () => {
  const config = loadConfig({}, {})
  assert.deepEqual(config.kafka.brokers, ['127.0.0.1:9092'])
  assert.equal(config.kafka.local, true)
  assert.equal(config.kafka.topic, 'urban_traffic_stream')
  assert.equal(config.kafka.deadLetterTopic, 'urban_traffic_stream.dlq')
  assert.equal(config.spark.remote, 'sc://127.0.0.1:15002')
  assert.equal(config.spark.local, true)
  assert.equal(config.api.port, 5000)
  assert.equal(config.ui.port, 8501)
  assert.ok(config.paths.batches.endsWith('batched_data_traffic'))
  assert.ok(config.paths.models.endsWith('spark_models_traffic'))
})

test('environment variables point at existing clusters; flags win over them', () => {
  const env = { KAFKA_BROKERS: 'k1:9092, k2:9092', SPARK_REMOTE: 'sc://spark:15002', API_PORT: '8080' }
  const fromEnv = loadConfig({}, env)
  assert.deepEqual(fromEnv.kafka.brokers, ['k1:9092', 'k2:9092'])
  assert.equal(fromEnv.kafka.local, false)
  assert.equal(fromEnv.spark.local, false)
  assert.equal(fromEnv.api.port, 8080)
  assert.equal(loadConfig({ apiPort: 5001, brokers: 'k3:9092' }, env).api.port, 5001)
  assert.deepEqual(loadConfig({ brokers: 'k3:9092' }, env).kafka.brokers, ['k3:9092'])
})

test('bad values are rejected with the setting named', () => {
  assert.throws(
    () => loadConfig({}, { SPARK_REMOTE: 'http://spark' }),
    (e) => isTrafficError(e, 'INVALID_CONFIG') && /http:\/\/spark/.test(e.message),
  )
  assert.throws(
    () => loadConfig({}, { API_PORT: 'abc' }),
    (e) => isTrafficError(e, 'INVALID_CONFIG') && /API_PORT/.test(e.message),
  )
})

test('the UI forwards to the API it is told about, else to the configured API address', () => {
  assert.equal(loadConfig({}, {}).ui.apiUrl, 'http://127.0.0.1:5000')
  assert.equal(loadConfig({}, { API_PORT: '5055' }).ui.apiUrl, 'http://127.0.0.1:5055')
  assert.equal(
    loadConfig({}, { TRAFFIC_API_URL: 'http://127.0.0.1:7000/' }).ui.apiUrl,
    'http://127.0.0.1:7000',
  )
  assert.equal(loadConfig({ apiUrl: 'http://127.0.0.1:7001', uiHost: '::1' }, {}).ui.host, '::1')
  assert.throws(
    () => loadConfig({ apiUrl: 'ftp://127.0.0.1' }, {}),
    (e) => isTrafficError(e, 'INVALID_CONFIG') && /--api/.test(e.message),
  )
})

test('live: topics, clock and rate by default, from the environment, and from flags', () => {
  const defaults = loadConfig({}, {}).live
  assert.deepEqual(
    [defaults.windowsTopic, defaults.alertsTopic, defaults.clock, defaults.rate, defaults.window],
    ['urban_traffic_windows', 'urban_traffic_alerts', 360, 500, '1 hour'],
  )
  const env = { LIVE_CLOCK: '60', LIVE_RATE: '2000', LIVE_WINDOWS_TOPIC: 'w', LIVE_ALERTS_TOPIC: 'a' }
  assert.deepEqual(Object.values(loadConfig({}, env).live).slice(0, 4), ['w', 'a', 60, 2000])
  assert.equal(loadConfig({ liveRate: 10 }, env).live.rate, 10)
  assert.throws(
    () => loadConfig({}, { LIVE_CLOCK: '0' }),
    (e) => isTrafficError(e, 'INVALID_CONFIG') && /LIVE_CLOCK/.test(e.message),
  )
})
