// `traffic live --start` before the watermark the queries resume with (from their checkpoints) would feed them
// rows Spark drops as late, and the Live page would show nothing: the command refuses it, naming the watermark
// and the ways out, and `--reset` starts the queries afresh so the same --start works.
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { checkpointWatermark } from '../../src/live/checkpoints.ts'
import { liveDir } from '../../src/live/session.ts'
import { traffic } from '../fixtures/cli.ts'
import { cleanUp, config, generateCsv, tempDir, unique } from '../stream/helpers.ts'

test('traffic live --start before the checkpoints’ watermark is refused with the watermark; --reset starts afresh', async () => {
  const work = await tempDir('live-start')
  const topics = [unique('live-start'), unique('live-start-windows'), unique('live-start-alerts')]
  const [topic, windowsTopic, alertsTopic] = topics as [string, string, string]
  const own = { ...config, kafka: { ...config.kafka, topic } }
  const env = {
    TRAFFIC_DATASET: await generateCsv(work, 2000, 13),
    TRAFFIC_MODELS: path.join(work, 'models'),
    KAFKA_TOPIC: topic,
    LIVE_WINDOWS_TOPIC: windowsTopic,
    LIVE_ALERTS_TOPIC: alertsTopic,
  }
  const live = (...args: string[]) => traffic(['live', '--rate', '200', '--clock', '3600', ...args], env)
  try {
    // Three simulated hours from 2026-01-05 00:00: the queries' watermark moves past midnight.
    const first = await live('--start', '2026-01-05T00:00:00Z', '--limit', '600')
    assert.equal(first.code, 0, first.stdout + first.stderr)
    const watermark = await checkpointWatermark(own)
    assert.ok(watermark && watermark > new Date('2026-01-05T00:00:00Z'), String(watermark))

    const early = await live('--start', '2026-01-01T00:00:00Z', '--limit', '100')
    assert.equal(early.code, 1, early.stdout + early.stderr)
    assert.match(
      early.stderr,
      new RegExp(
        `--start 2026-01-01T00:00:00.000Z is before the live queries' watermark ${watermark.toISOString()}`,
      ),
    )
    assert.match(early.stderr, /--reset/)

    const reset = await live('--start', '2026-01-01T00:00:00Z', '--limit', '100', '--reset')
    assert.equal(reset.code, 0, reset.stdout + reset.stderr)
    assert.match(reset.stdout, /live replay done: 100 rows/)
  } finally {
    await cleanUp({ topics, dirs: [work, liveDir(own)] })
  }
})
