// The live topics get the same partitions whichever process creates them first: `traffic live` (here stopped
// right after creating them, by a data set that does not exist) and the API go through one function.
import assert from 'node:assert/strict'
import path from 'node:path'
import { it } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { LIVE_RESULT_PARTITIONS } from '../../src/stream/live-topics.ts'
import { traffic } from '../fixtures/cli.ts'
import { cleanUp, config, tempDir, unique } from './helpers.ts'

async function partitionsOf(topics: string[]): Promise<number[]> {
  const admin = new Admin({ clientId: 'test-partitions', bootstrapBrokers: config.kafka.brokers })
  try {
    const counts: number[] = []
    // One topic per request: the client's metadata answer for several topics can pair names and counts wrongly.
    for (const topic of topics) {
      counts.push((await admin.metadata({ topics: [topic] })).topics.get(topic)?.partitionsCount ?? 0)
    }
    return counts
  } finally {
    await admin.close()
  }
}

it('`traffic live` creates the windows and alerts topics with the partitions the API gives them', async (t) => {
  const stream = unique('live-stream')
  const windows = unique('live-windows')
  const alerts = unique('live-alerts')
  const work = await tempDir('live-topics')
  t.after(() => cleanUp({ topics: [stream, windows, alerts], dirs: [work] }))
  const run = await traffic(['live', '--duration', '1'], {
    KAFKA_TOPIC: stream,
    KAFKA_PARTITIONS: '3',
    LIVE_WINDOWS_TOPIC: windows,
    LIVE_ALERTS_TOPIC: alerts,
    TRAFFIC_DATASET: path.join(work, 'missing.csv'),
  })
  assert.notEqual(run.code, 0, 'the missing data set stops the run')
  assert.deepEqual(await partitionsOf([stream, windows, alerts]), [
    3,
    LIVE_RESULT_PARTITIONS,
    LIVE_RESULT_PARTITIONS,
  ])
})
