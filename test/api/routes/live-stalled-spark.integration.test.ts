// A Spark Connect server that stops answering without closing its socket (SIGSTOP) must cost the Live page one
// late sample of the streaming queries, never its stats: the Kafka half (status, lag, throughput) keeps coming
// on the event stream while the Spark half says it is late. The test stalls the test run's own Spark Connect
// server for a few seconds only (SIGCONT in a finally), shorter than the deadline other tests' calls run with.
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { test } from 'node:test'
import type { LiveStats } from '../../../src/api/live-schemas.ts'
import type { LiveFeedOptions } from '../../../src/api/services/live-feed.ts'
import type { Config } from '../../../src/config.ts'
import { engineStatuses } from '../../../src/engines/lifecycle.ts'
import { liveQueries } from '../../../src/live/queries.ts'
import { liveDir, recordLiveSession } from '../../../src/live/session.ts'
import { followEvents } from '../../fixtures/sse.ts'
import { until } from '../../fixtures/wait.ts'
import { config, unique } from '../../stream/helpers.ts'
import { modelsFolder, startApi } from '../fixtures.ts'

const SPARK_LATE = /has not answered|did not answer/

test('with the Spark Connect server stalled (SIGSTOP) the live stats keep coming, the queries marked late', {
  skip: !config.spark.local && 'SPARK_REMOTE points at a server this test cannot stall',
}, async () => {
  const pid = (await engineStatuses(config)).find((engine) => engine.name === 'Spark Connect')?.pid
  assert.ok(pid !== undefined, 'the test run’s Spark Connect server is running')
  // A live session of its own (under a topic of its own), and a short deadline for its status calls.
  const own: Config = {
    ...config,
    kafka: { ...config.kafka, topic: unique('live-stalled') },
    spark: { ...config.spark, controlDeadlineMs: 2_000 },
  }
  await recordLiveSession(own)
  const options: LiveFeedOptions = {
    kafka: config.kafka,
    topics: { stream: own.kafka.topic, windows: unique('live-windows'), alerts: unique('live-alerts') },
    groupId: unique('live-stalled-api'),
    queries: () => liveQueries(own),
    tickMs: 300,
  }
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir, { live: options })
  const stats: LiveStats[] = []
  const stopReading = followEvents(`${api.url}/live/events`, (event, data) => {
    if (event === 'stats') stats.push(data as LiveStats)
  })
  let stalled = false
  try {
    await until('Kafka is up and Spark answered', () => {
      const last = stats.at(-1)
      return last?.status.kafka === 'up' && last.queries.note?.startsWith('no streaming query') === true
    })
    process.kill(pid, 'SIGSTOP')
    stalled = true
    const stalledAt = stats.length
    await until('the queries are marked late', () =>
      stats.slice(stalledAt).some((sample) => SPARK_LATE.test(sample.queries.note ?? '')),
    )
    const late = stats.findIndex((sample, i) => i >= stalledAt && SPARK_LATE.test(sample.queries.note ?? ''))
    await until('three more stats while Spark is stalled', () => stats.length >= late + 4)
    const during = stats.slice(late, late + 4)
    // The Kafka half went on alone: every sample is fresh (a lag sample of its own), Kafka up.
    assert.ok(during.every((sample) => sample.status.kafka === 'up'))
    const sampledAt = during.map((sample) => sample.lag.updated_at)
    assert.ok(sampledAt.every((at) => at !== null))
    assert.equal(new Set(sampledAt).size, sampledAt.length, 'each stats event carries a new Kafka sample')
  } finally {
    if (stalled) process.kill(pid, 'SIGCONT')
    stopReading()
    await api.close()
    folder.cleanup()
    await rm(liveDir(own), { recursive: true, force: true })
  }
})
