import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { test } from 'node:test'
import { pathToFileURL } from 'node:url'
import { codecAvailable, loadConfig, readCaFile } from '../src/config.ts'
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

test('TRAFFIC_ENGINES_HOST moves the local engines and their default addresses; a wildcard is refused', () => {
  const config = loadConfig({}, { TRAFFIC_ENGINES_HOST: '10.1.2.3' })
  assert.equal(config.engines.host, '10.1.2.3')
  assert.deepEqual(config.kafka.brokers, ['10.1.2.3:9092'])
  assert.equal(config.spark.remote, 'sc://10.1.2.3:15002')
  assert.equal(loadConfig({}, {}).engines.host, '127.0.0.1')
  for (const wildcard of ['0.0.0.0', '::', '']) {
    assert.throws(
      () => loadConfig({}, { TRAFFIC_ENGINES_HOST: wildcard }),
      (error) => isTrafficError(error, 'INVALID_CONFIG') && /TRAFFIC_ENGINES_HOST/.test(error.message),
    )
  }
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

test('the topic codec: none by default, KAFKA_COMPRESSION or --compression, unknown or unavailable codecs rejected', () => {
  assert.equal(loadConfig({}, {}).kafka.compression, 'none')
  assert.equal(loadConfig({}, { KAFKA_COMPRESSION: 'gzip' }).kafka.compression, 'gzip')
  assert.equal(loadConfig({ compression: 'LZ4' }, { KAFKA_COMPRESSION: 'gzip' }).kafka.compression, 'lz4')
  assert.throws(
    () => loadConfig({}, { KAFKA_COMPRESSION: 'brotli' }),
    (e) =>
      isTrafficError(e, 'INVALID_CONFIG') &&
      /KAFKA_COMPRESSION.*none, gzip, snappy, lz4, zstd/.test(e.message),
  )
  if (codecAvailable('zstd')) assert.equal(loadConfig({ compression: 'zstd' }, {}).kafka.compression, 'zstd')
  else
    assert.throws(
      () => loadConfig({ compression: 'zstd' }, {}),
      (e) => isTrafficError(e, 'INVALID_CONFIG') && /zstd needs Node ≥ 22/.test(e.message),
    )
})

test('Kafka security: SASL_SSL with SCRAM-SHA-512 by default, PLAIN on request, a CA file resolved', () => {
  const env = {
    KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
    KAFKA_SASL_USERNAME: 'ana',
    KAFKA_SASL_PASSWORD: 's3cret',
    KAFKA_SSL_CA_FILE: 'certs/ca.pem',
  }
  assert.deepEqual(loadConfig({}, env).kafka.security, {
    protocol: 'SASL_SSL',
    sasl: { mechanism: 'SCRAM-SHA-512', username: 'ana', password: 's3cret' },
    caFile: path.resolve('certs/ca.pem'),
  })
  const plain = loadConfig({}, { ...env, KAFKA_SASL_MECHANISM: 'PLAIN' }).kafka.security
  assert.equal(plain.sasl?.mechanism, 'PLAIN')
  assert.deepEqual(loadConfig({}, {}).kafka.security, { protocol: 'PLAINTEXT' })
  assert.equal(loadConfig({}, { SPARK_SSL_CA_FILE: 'ca.pem' }).spark.caFile, path.resolve('ca.pem'))
})

test('inconsistent Kafka security settings name the setting to fix and never echo the password', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ KAFKA_SECURITY_PROTOCOL: 'TLS' }, /KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL/],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_USERNAME: 'ana' },
      /needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD/,
    ],
    [
      { KAFKA_SASL_USERNAME: 'ana', KAFKA_SASL_PASSWORD: 'hunter2' },
      /KAFKA_SASL_\* is set but KAFKA_SECURITY_PROTOCOL is PLAINTEXT/,
    ],
    [{ KAFKA_SSL_CA_FILE: 'ca.pem' }, /KAFKA_SSL_CA_FILE is set but KAFKA_SECURITY_PROTOCOL is PLAINTEXT/],
    [
      {
        KAFKA_SECURITY_PROTOCOL: 'SASL_SSL',
        KAFKA_SASL_USERNAME: 'a',
        KAFKA_SASL_PASSWORD: 'hunter2',
        KAFKA_SASL_MECHANISM: 'GSSAPI',
      },
      /KAFKA_SASL_MECHANISM must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, got "GSSAPI"/,
    ],
  ]
  for (const [env, message] of cases) {
    assert.throws(
      () => loadConfig({}, env),
      (e) => isTrafficError(e, 'INVALID_CONFIG') && message.test(e.message) && !/hunter2/.test(e.message),
      JSON.stringify(env),
    )
  }
})

test('an unreadable CA file names its setting and what the CA must have signed', () => {
  assert.throws(
    () => readCaFile('KAFKA_SSL_CA_FILE', '/nonexistent/ca.pem', 'the brokers’ certificates'),
    (error: unknown) =>
      isTrafficError(error) &&
      error.code === 'INVALID_CONFIG' &&
      error.message === 'KAFKA_SSL_CA_FILE /nonexistent/ca.pem cannot be read' &&
      /the brokers’ certificates/.test(error.hint ?? ''),
  )
})

test('a topic name Kafka would refuse (or one that climbs out of a folder) is refused, naming the setting', () => {
  for (const topic of ['', '../../etc', 'a b', 'städte', '..', 'x'.repeat(246), 'a/b']) {
    assert.throws(
      () => loadConfig({ topic }, {}),
      (error: unknown) =>
        isTrafficError(error) &&
        error.code === 'INVALID_CONFIG' &&
        /KAFKA_TOPIC \(--topic\)/.test(error.message),
      topic,
    )
  }
  assert.throws(
    () => loadConfig({}, { LIVE_ALERTS_TOPIC: 'alerts;drop' }),
    /LIVE_ALERTS_TOPIC must be a Kafka topic name/,
  )
  assert.equal(loadConfig({ topic: 'city_1.feed-2' }, {}).kafka.topic, 'city_1.feed-2')
})

test('a % that starts no escape in SPARK_REMOTE is named, the token never shown', () => {
  assert.throws(
    () => loadConfig({}, { SPARK_REMOTE: 'sc://spark:15002/;token=50%off' }),
    (e) =>
      isTrafficError(e, 'INVALID_CONFIG') &&
      /^SPARK_REMOTE \(--spark-remote\): .*token holds a % that starts no %XX escape/.test(e.message) &&
      !e.message.includes('50%off'),
  )
  assert.equal(
    loadConfig({}, { SPARK_REMOTE: 'sc://spark/;token=50%25off' }).spark.remote,
    'sc://spark/;token=50%25off',
  )
})

const REPO = path.resolve(import.meta.dirname, '..')

test('loading the configuration loads none of the Spark client’s dependencies', () => {
  const script = `
    const { loadConfig } = await import(${JSON.stringify(pathToFileURL(path.join(REPO, 'src/config.ts')).href)})
    loadConfig({}, { SPARK_REMOTE: 'sc://spark:15002/;token=t' })
    const { default: resolved } = await import('loaded-modules:')
    process.stdout.write(JSON.stringify(resolved))`
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', './test/fixtures/loaded-modules.ts', '--input-type=module', '-e', script],
    { cwd: REPO, encoding: 'utf8' },
  )
  assert.equal(child.status, 0, child.stderr)
  const resolved = JSON.parse(child.stdout) as string[]
  assert.ok(
    resolved.some((url) => url.endsWith('/src/spark/remote.ts')),
    'the probe sees the modules loaded',
  )
  for (const heavy of ['@grpc/grpc-js', 'protobufjs', 'apache-arrow', 'adm-zip']) {
    const loaded = resolved.filter((url) => url.includes(`/node_modules/${heavy}/`))
    assert.deepEqual(loaded, [], heavy)
  }
})

test("traffic up's batch writer: 100 000 rows per file, TRAFFIC_BATCH_ROWS, a bad value named", () => {
  assert.equal(loadConfig({}, {}).consume.batchRows, 100_000)
  assert.equal(loadConfig({}, { TRAFFIC_BATCH_ROWS: '1000' }).consume.batchRows, 1000)
  assert.throws(
    () => loadConfig({}, { TRAFFIC_BATCH_ROWS: '0' }),
    (e) => isTrafficError(e, 'INVALID_CONFIG') && /TRAFFIC_BATCH_ROWS/.test(e.message),
  )
})
