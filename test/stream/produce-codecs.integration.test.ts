// Codecs on the real broker, checked with Kafka's own Java tools: the default codec of `traffic produce` is one every
// client reads without extras (Kafka's console consumer reads every row; the log segments hold uncompressed
// batches), and a batch in a codec Node cannot decode stops `traffic consume` with the codec named.
import assert from 'node:assert/strict'
import path from 'node:path'
import { describe, it } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { codecAvailable, DEFAULTS, loadConfig } from '../../src/config.ts'
import { encodeJsonMessage } from '../../src/contract/json.ts'
import { readTrafficCsv } from '../../src/dataset/csv-reader.ts'
import { runKafkaTool } from '../../src/engines/kafka-tools.ts'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { kafkaClients } from '../../src/stream/kafka-clients.ts'
import { produceCsvToTopic, requestsOf } from '../../src/stream/produce.ts'
import { traffic } from '../fixtures/cli.ts'
import {
  clients,
  config,
  csvLines,
  generateCsv,
  readBatches,
  readTopic,
  rowsAsCsvLines,
  scenario,
} from './helpers.ts'

/** The JSON messages `traffic produce` sends for a CSV file, in file order. */
async function expectedMessages(csv: string): Promise<string[]> {
  const messages: string[] = []
  for await (const row of readTrafficCsv(csv)) if (row.ok) messages.push(encodeJsonMessage(row.record))
  return messages
}

const bootstrap = config.kafka.brokers.join(',')

describe('codecs: what Kafka’s own clients read and what the consumer cannot', () => {
  it('a topic written with the default codec is read by Kafka’s console consumer, every row intact', async () => {
    const s = await scenario('codec-default')
    const csv = await generateCsv(s.work, 20_000, 15)
    // The default, whatever KAFKA_COMPRESSION the shell running the tests has.
    const defaults = loadConfig({}, { ...process.env, KAFKA_COMPRESSION: undefined })
    assert.equal(defaults.kafka.compression, DEFAULTS.compression)
    const stats = await produceCsvToTopic(kafkaClients(defaults.kafka), {
      file: csv,
      topic: s.topic,
      partitions: 1,
      rejectsFile: `${s.work}/r`,
    })
    assert.equal(stats.sent, 20_000)

    const consumer = await runKafkaTool(
      config.engines.cacheDir,
      'org.apache.kafka.tools.consumer.ConsoleConsumer',
      ['--bootstrap-server', bootstrap, '--topic', s.topic, '--from-beginning', '--max-messages', '20000'],
    )
    assert.equal(consumer.code, 0, consumer.stderr)
    const lines = consumer.stdout.split('\n').filter((line) => line !== '')
    // Byte for byte the messages we encoded, in order (one partition).
    assert.deepEqual(lines, await expectedMessages(csv))

    if (config.kafka.local) {
      // The broker's own segment dump: every batch uncompressed, so kafka-python reads it without the lz4 package.
      const segment = path.join(
        config.engines.stateDir,
        'kafka',
        'data',
        `${s.topic}-0`,
        `${'0'.repeat(20)}.log`,
      )
      const dump = await runKafkaTool(config.engines.cacheDir, 'org.apache.kafka.tools.DumpLogSegments', [
        '--files',
        segment,
      ])
      assert.equal(dump.code, 0, dump.stderr)
      const codecs = new Set([...dump.stdout.matchAll(/compresscodec: (\w+)/g)].map((m) => m[1]))
      assert.deepEqual([...codecs], ['none'], dump.stdout.slice(0, 2000))
    }
  })

  it('uncompressed requests fit a topic that takes small batches (a stock cluster takes 1 MB)', async () => {
    const s = await scenario('codec-small-batches')
    const csv = await generateCsv(s.work, 20_000, 17)
    const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: config.kafka.brokers })
    try {
      // 10,000 rows are ~2.6 MB of JSON: one request of them would be refused with MESSAGE_TOO_LARGE.
      await admin.createTopics({
        topics: [s.topic],
        partitions: 1,
        replicas: 1,
        configs: [{ name: 'max.message.bytes', value: '300000' }],
      })
    } finally {
      await admin.close()
    }
    const stats = await produceCsvToTopic(clients, {
      file: csv,
      topic: s.topic,
      partitions: 1,
      rejectsFile: `${s.work}/r`,
    })
    assert.equal(stats.sent, 20_000)
    assert.deepEqual(rowsAsCsvLines(await readTopic(s.topic)), await csvLines(csv))
  })

  it('splits a chunk into requests that fit the batch limit, keeping every message in order', () => {
    const messages = Array.from({ length: 10 }, (_, i) => Buffer.alloc(100, i))
    // Each message counts 100 bytes + the record overhead; 2 fit in 1024 + 300 bytes.
    const requests = requestsOf(messages, 1024 + 300)
    assert.deepEqual(
      requests.map((r) => r.length),
      [2, 2, 2, 2, 2],
    )
    assert.deepEqual(requests.flat(), messages)
    // A message larger than the limit still goes, alone (the broker's error then names it).
    assert.deepEqual(
      requestsOf([Buffer.alloc(5000)], 2048).map((r) => r.length),
      [1],
    )
  })

  it('a zstd batch (Kafka’s console producer) stops the consumer with the codec named when Node cannot decode it', async () => {
    const s = await scenario('codec-zstd')
    const csv = await generateCsv(s.work, 3, 16)
    const messages = await expectedMessages(csv)
    const producer = await runKafkaTool(
      config.engines.cacheDir,
      'org.apache.kafka.tools.ConsoleProducer',
      // --compression-codec, not --producer-property compression.type: the tool overrides the latter with its own.
      ['--bootstrap-server', bootstrap, '--topic', s.topic, '--compression-codec', 'zstd'],
      `${messages.join('\n')}\n`,
    )
    assert.equal(producer.code, 0, producer.stderr)

    const out = path.join(s.work, 'batches')
    const run = await traffic(['consume', '--topic', s.topic, '--out', out, '--idle-timeout', '3'])
    if (codecAvailable('zstd')) {
      // Node ≥ 22 decodes zstd: the rows arrive like any others.
      assert.equal(run.code, 0, run.stderr)
      assert.equal((await readBatches(new FolderStore(out), s.topic)).flatMap((b) => b.lines).length, 3)
      return
    }
    assert.equal(run.code, 1, run.stdout)
    assert.match(run.stderr, /zstd is not supported/)
    assert.match(run.stderr, /zstd needs Node ≥ 22/)
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace')
    assert.deepEqual(await readBatches(new FolderStore(out), s.topic).catch(() => []), [])
  })
})
