// The live checkpoints as our own code reads and resets them, one suite run on every store (the folder and S3Proxy
// test files): objects laid out as Spark writes a streaming query's checkpoint.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Config } from '../../src/config.ts'
import { checkpointsStore, checkpointWatermark, deleteCheckpoints } from '../../src/live/checkpoints.ts'

const HOUR = 3_600_000
const FIRST = Date.parse('2026-01-05T00:00:00.000Z')

/** An offsets file as Spark writes it: version line, the batch's metadata (its watermark), one source's offsets. */
function offsetsFile(watermarkMs: number, offset: number): string {
  const metadata = {
    batchWatermarkMs: watermarkMs,
    batchTimestampMs: watermarkMs + 60_000,
    conf: { 'spark.sql.shuffle.partitions': '2' },
  }
  return `v1\n${JSON.stringify(metadata)}\n${JSON.stringify({ urban_traffic_stream: { '0': offset } })}`
}

/** One query's checkpoint after `batches` micro-batches, the watermark one hour further at each. */
async function writeQuery(config: Config, query: string, batches: number, start: number): Promise<void> {
  const store = checkpointsStore(config)
  await store.createIfAbsent(`${query}/metadata`, '{"id":"5d1c0f0e-0000-4000-8000-000000000000"}')
  await store.createIfAbsent(`${query}/sources/0/0`, 'v1\n{"urban_traffic_stream":{"0":0}}')
  for (let batch = 0; batch < batches; batch++) {
    await store.createIfAbsent(`${query}/offsets/${batch}`, offsetsFile(start + batch * HOUR, batch * 10))
    await store.createIfAbsent(`${query}/offsets/.${batch}.crc`, 'crc')
    await store.createIfAbsent(`${query}/commits/${batch}`, `v1\n{"nextBatchWatermarkMs":${start}}`)
    await store.createIfAbsent(`${query}/state/0/0/${batch + 1}.delta`, 'state')
  }
  // A batch being written: its offsets under a temporary name, not yet a batch.
  await store.createIfAbsent(`${query}/offsets/.${batches}.0f2a9c.tmp`, offsetsFile(start + 99 * HOUR, 0))
}

/** `open` gives a configuration whose checkpoints root (TRAFFIC_CHECKPOINTS) is a new, empty place. */
export function checkpointsSuite(name: string, open: () => Promise<Config>): void {
  test(`${name}: no checkpoints, no watermark`, async () => {
    assert.equal(await checkpointWatermark(await open()), undefined)
  })

  test(`${name}: the watermark is the latest of the queries' newest offsets files (batch ids in number order)`, async () => {
    const config = await open()
    // 12 batches: in key order, batch 9 would come last.
    await writeQuery(config, 'traffic_live_windows', 12, FIRST)
    await writeQuery(config, 'traffic_live_alerts', 3, FIRST)
    assert.deepEqual(await checkpointWatermark(config), new Date(FIRST + 11 * HOUR))
  })

  test(`${name}: the checkpoints of another topic are not this topic's`, async () => {
    const config = await open()
    const other = { ...config, kafka: { ...config.kafka, topic: 'another_topic' } }
    await writeQuery(other, 'traffic_live_windows', 2, FIRST)
    assert.equal(await checkpointWatermark(config), undefined)
    assert.deepEqual(await checkpointWatermark(other), new Date(FIRST + HOUR))
  })

  test(`${name}: deleting the checkpoints leaves no object of this topic's queries, and other topics' stay`, async () => {
    const config = await open()
    const other = { ...config, kafka: { ...config.kafka, topic: 'another_topic' } }
    await writeQuery(config, 'traffic_live_windows', 3, FIRST)
    await writeQuery(other, 'traffic_live_windows', 2, FIRST)
    await deleteCheckpoints(config)
    assert.deepEqual(await checkpointsStore(config).list(), [])
    assert.equal(await checkpointWatermark(config), undefined)
    assert.deepEqual(await checkpointWatermark(other), new Date(FIRST + HOUR))
  })
}
