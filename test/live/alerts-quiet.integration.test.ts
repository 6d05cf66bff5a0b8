// Alerts that mean something, on the real engines: the baseline is computed on Spark from a generated data set
// (as training does), then one simulated day of the live feed — with a jam in its first hour — goes through the
// real alerts query. A normal day stays quiet (at most a few low-severity alerts per city); the jam is a high one.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { congestionBaseline } from '../../src/congestion.ts'
import { BATCH_SCHEMA } from '../../src/contract/batch-schema.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { checkpointsLocation } from '../../src/live/checkpoints.ts'
import { replay } from '../../src/live/replay.ts'
import { recordLiveSession } from '../../src/live/session.ts'
import { LIVE_QUERY_NAMES } from '../../src/live/streams.ts'
import { LiveSupervisor } from '../../src/live/supervisor.ts'
import { literalHadoopPath } from '../../src/spark/index.ts'
import { until } from '../fixtures/wait.ts'
import { cleanUp, clients, config, generateCsv, readTopic, tempDir, unique } from '../stream/helpers.ts'

const JAM_CITY = 'Neuroburg'
/** A Monday midnight: the jam fills 00:00–01:00, and 25 simulated hours close the day's 24 windows. */
const START = new Date('2026-01-05T00:00:00.000Z')
const HOURS = 25
const CLOCK = 3600
const RATE = 500
/** A normal day may raise this many low alerts per city at most. */
const FEW = 3
const QUERIES_WAIT = { timeoutMs: 300_000, everyMs: 1_000 }

interface Alert {
  city: string
  window_start: string
  mean_traffic_density: number
  expected: number
  z: number
  severity: 'low' | 'high'
}

test('a normal simulated day raises at most a few low alerts per city; the jam raises a high one', async (t) => {
  const stateDir = await tempDir('live-alerts-quiet')
  const own = loadConfig({ brokers: config.kafka.brokers.join(','), stateDir })
  const topics = {
    source: unique('quiet-source'),
    windows: unique('quiet-windows'),
    alerts: unique('quiet-alerts'),
  }
  for (const topic of Object.values(topics)) await clients.ensureTopic(topic, 2)

  const spark = await connectSpark(own)
  let baseline: Awaited<ReturnType<typeof congestionBaseline>>
  try {
    const dataset = await generateCsv(stateDir, 100_000, 11)
    await spark
      .readCsv(literalHadoopPath(dataset), { schema: [...BATCH_SCHEMA] })
      .createOrReplaceTempView('quiet_training')
    baseline = await congestionBaseline(spark, 'quiet_training')
  } finally {
    await spark.close()
  }

  const supervisor = new LiveSupervisor(own, await recordLiveSession(own), {
    kafka: own.kafka,
    sourceTopic: topics.source,
    windowsTopic: topics.windows,
    alertsTopic: topics.alerts,
    window: '1 hour',
    watermark: '10 minutes',
    trigger: '1 second',
    checkpointDir: checkpointsLocation(own),
    startingOffsets: 'earliest',
    baseline,
  })
  try {
    await supervisor.start()
    const sent = await replay(clients, {
      topic: topics.source,
      partitions: 2,
      clock: CLOCK,
      rate: RATE,
      start: START,
      position: 0,
      scenario: { kind: 'jam', city: JAM_CITY },
      limit: (HOURS * 3600 * RATE) / CLOCK,
    })
    assert.ok((sent.jam?.rows ?? 0) > 0)
    // A micro-batch reports the watermark it leaves for the next one; the day's windows close — and their alerts
    // are written — in the next micro-batch run with it: wait for two that report a watermark past the day.
    const dayEnd = new Date(START.getTime() + 24 * 3_600_000)
    await until(
      'the alerts query closing the day',
      async () => {
        const recent = await supervisor.recentProgress()
        const alertsProgress = recent.find((q) => q.name === LIVE_QUERY_NAMES.alerts)?.progress ?? []
        const past = alertsProgress.filter(
          (p) => p.eventTime?.watermark && new Date(p.eventTime.watermark) >= dayEnd,
        )
        return past.length >= 2
      },
      QUERIES_WAIT,
    )
    const alerts = (await readTopic(topics.alerts)).map(
      (m) => JSON.parse(m.value?.toString() ?? '{}') as Alert,
    )

    t.diagnostic(`alerts: ${JSON.stringify(alerts)}`)
    const jam = alerts.filter((a) => a.city === JAM_CITY && a.window_start === START.toISOString())
    assert.equal(jam.length, 1, 'the jam hour raised one alert')
    assert.equal(jam[0]?.severity, 'high', JSON.stringify(jam[0]))

    const normal = alerts.filter((a) => !jam.includes(a))
    const byCity = new Map<string, { low: number; high: number }>()
    for (const alert of normal) {
      const counts = byCity.get(alert.city) ?? { low: 0, high: 0 }
      counts[alert.severity]++
      byCity.set(alert.city, counts)
    }
    t.diagnostic(
      `alerts over ${HOURS} simulated hours × 6 cities: jam ${JSON.stringify(jam[0])}; ` +
        `others by city ${JSON.stringify(Object.fromEntries(byCity))}`,
    )
    assert.ok(
      normal.every((a) => a.severity === 'low'),
      `no high alert but the jam's: ${JSON.stringify(normal)}`,
    )
    for (const [city, counts] of byCity) assert.ok(counts.low <= FEW, `${city}: ${counts.low} low alerts`)
  } finally {
    await supervisor.stop()
    await cleanUp({ topics: Object.values(topics), dirs: [stateDir] })
  }
})
