// The live queries on the real engines: fixed rows with fixed event times go through Kafka and Spark Structured
// Streaming; the final value of every (city, window) must equal the aggregate computed here from the same rows,
// alerts must come exactly for the closed windows far enough above their normal level, with their severity, malformed messages are counted and skipped —
// and all of it still holds when the Spark Connect server is SIGKILLed mid-run and started again, with the queries'
// checkpoints in the state dir's folder and on S3 (a real S3Proxy, Spark writing over s3a).
// The test runs its own Spark Connect server (own port and state dir) so it never kills one others use.
import assert from 'node:assert/strict'
import { readdir } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { ALERT_Z } from '../../src/congestion.ts'
import type { City, TrafficRecord } from '../../src/contract/columns.ts'
import { engineStatuses, startEngines, stopEngines } from '../../src/engines/lifecycle.ts'
import { isAlive } from '../../src/engines/process-identity.ts'
import { checkpointsLocation } from '../../src/live/checkpoints.ts'
import { encodeLiveMessage } from '../../src/live/message.ts'
import { liveQueries } from '../../src/live/queries.ts'
import { recordLiveSession } from '../../src/live/session.ts'
import { LIVE_QUERY_NAMES } from '../../src/live/streams.ts'
import { LiveSupervisor } from '../../src/live/supervisor.ts'
import { topicEndOffsets } from '../../src/orchestration/topic.ts'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { sparkPathOf } from '../../src/storage/location.ts'
import type { ObjectStore } from '../../src/storage/object-store.ts'
import { S3Store } from '../../src/storage/s3-store.ts'
import { freePort } from '../fixtures/ports.ts'
import { REAL_ROW } from '../fixtures/records.ts'
import { until } from '../fixtures/wait.ts'
import { type RunningS3Proxy, startS3Proxy } from '../storage/s3proxy-fixture.ts'
import { cleanUp, clients, config, readTopic, sendRaw, tempDir, unique } from '../stream/helpers.ts'

const HOUR = 3_600_000
const FIRST_HOUR = Date.parse('2026-01-05T00:00:00.000Z')
const CITIES: City[] = ['AquaCity', 'Ecoopolis', 'TechHaven']
/** The normal level of each city's first four Monday hours, all with a spread of 0.1. */
const NORMAL = { AquaCity: 0.4, Ecoopolis: 0.5, TechHaven: 0.65 }
const SPREAD = 0.1
const BASELINE = CITIES.flatMap((city) =>
  [0, 1, 2, 3].map((hour) => ({
    city,
    day: 'Monday',
    hour,
    expected: NORMAL[city as keyof typeof NORMAL],
    spread: SPREAD,
    rows: 100,
  })),
)
/** How many spreads a window's mean is above its normal level (the alerts' z, src/congestion.ts). */
const zOf = (w: { city: string; mean_traffic_density: number }) =>
  (w.mean_traffic_density - NORMAL[w.city as keyof typeof NORMAL]) / SPREAD
/** The streaming queries take minutes on a busy machine; each probe asks Kafka and Spark, so once a second. */
const QUERIES_WAIT = { timeoutMs: 240_000, everyMs: 1_000 }
const MALFORMED = [
  'not json at all',
  '{"City": "AquaCity"}',
  JSON.stringify({ ...REAL_ROW, 'Event Time': 'yesterday' }),
]

interface Row {
  record: TrafficRecord
  time: Date
}

/** 4 hours × 3 cities, 20–39 rows each, densities that put some windows far above normal and some not. */
function fixedRows(): Row[] {
  const rows: Row[] = []
  for (let hour = 0; hour < 4; hour++) {
    CITIES.forEach((city, c) => {
      const count = 20 + ((hour * 7 + c * 5) % 20)
      const base = (hour + c) % 2 === 0 ? 0.7 : 0.2
      for (let i = 0; i < count; i++) {
        const record: TrafficRecord = {
          ...REAL_ROW,
          City: city,
          Speed: 30 + ((i * 13 + hour) % 50) + 0.125,
          'Is Peak Hour': i % 3 === 0 ? 1 : 0,
          'Energy Consumption': 20 + ((i * 17 + c) % 90) / 3,
          'Traffic Density': base + ((i * 31 + hour * 11 + c) % 40) / 100,
        }
        rows.push({ record, time: new Date(FIRST_HOUR + hour * HOUR + Math.floor((i / count) * HOUR)) })
      }
    })
  }
  return rows
}

/** A row far later, so the watermark passes the four hours and closes their windows (its own stays open). */
const FLUSH: Row = {
  record: { ...REAL_ROW, City: 'AquaCity', 'Traffic Density': 0.1 },
  time: new Date(FIRST_HOUR + 10 * HOUR),
}

interface Aggregate {
  city: string
  window_start: string
  window_end: string
  rows: number
  mean_traffic_density: number
  mean_speed: number
  peak_share: number
  mean_energy_consumption: number
}

/** The windows computed here, independently of Spark. */
function expectedWindows(rows: Row[]): Map<string, Aggregate> {
  const groups = new Map<string, Row[]>()
  for (const row of rows) {
    const start = new Date(Math.floor(row.time.getTime() / HOUR) * HOUR).toISOString()
    const key = `${row.record.City}|${start}`
    groups.set(key, [...(groups.get(key) ?? []), row])
  }
  const mean = (list: Row[], pick: (r: TrafficRecord) => number) =>
    list.reduce((sum, row) => sum + pick(row.record), 0) / list.length
  return new Map(
    [...groups].map(([key, list]) => {
      const [city, start] = key.split('|') as [string, string]
      return [
        key,
        {
          city,
          window_start: start,
          window_end: new Date(Date.parse(start) + HOUR).toISOString(),
          rows: list.length,
          mean_traffic_density: mean(list, (r) => r['Traffic Density']),
          mean_speed: mean(list, (r) => r.Speed),
          peak_share: mean(list, (r) => r['Is Peak Hour']),
          mean_energy_consumption: mean(list, (r) => r['Energy Consumption']),
        },
      ]
    }),
  )
}

/** The last message of each key: a window's final value (update mode writes every change). */
async function finalValues(topic: string): Promise<Map<string, Record<string, unknown>>> {
  const latest = new Map<string, Record<string, unknown>>()
  for (const message of await readTopic(topic)) {
    latest.set(message.key?.toString() ?? '', JSON.parse(message.value?.toString() ?? 'null'))
  }
  return latest
}

/** Where the queries checkpoint (the TRAFFIC_CHECKPOINTS root), and a look at what landed there. */
interface CheckpointPlace {
  /** The settings for the test's configuration and its own Spark Connect server: the root and how to reach it. */
  env: NodeJS.ProcessEnv
  /** The root as a store of its own, to list what the queries wrote there. */
  store(stateDir: string): ObjectStore
  /** Whether the checkpoints are meant to be in a folder of the state dir. */
  local: boolean
}

/** The default root: the `live` folder of the state dir. */
const FOLDER: CheckpointPlace = {
  env: {},
  store: (stateDir) => new FolderStore(path.join(stateDir, 'live')),
  local: true,
}

/** The `live` prefix of a bucket on a real S3Proxy: Spark writes the checkpoints over s3a. */
function bucketPlace(s3proxy: RunningS3Proxy): CheckpointPlace {
  return {
    env: { ...s3proxy.env, TRAFFIC_CHECKPOINTS: `s3://${s3proxy.bucket}/live` },
    store: () => new S3Store(s3proxy.settings, s3proxy.bucket, 'live/'),
    local: false,
  }
}

/** The folders named `offsets` under `dir`: what a streaming query's checkpoint holds, wherever it lies. */
async function offsetsFolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isDirectory() && entry.name === 'offsets')
    .map((entry) => path.join(entry.parentPath, entry.name))
}

/**
 * Fixed rows through the live queries of a Spark Connect server of the test's own, SIGKILLed halfway and started
 * again with the same configuration; the windows and alerts are compared with the aggregates computed here.
 */
async function liveAcrossSigkill(place: CheckpointPlace): Promise<void> {
  const stateDir = await tempDir('traffic-live')
  const env = {
    ...process.env,
    ...place.env,
    SPARK_CONNECT_PORT: String(await freePort()),
    SPARK_DRIVER_MEMORY: '1g',
  }
  // Kafka is the test run's (external here); Spark Connect is this test's own, launched with the checkpoints'
  // settings (on a bucket: the S3A jars and fs.s3a settings), before and after the kill.
  const own = loadConfig({ brokers: config.kafka.brokers.join(','), stateDir }, env)
  const source = unique('live-source')
  const windowsTopic = unique('live-windows')
  const alertsTopic = unique('live-alerts')
  for (const topic of [source, windowsTopic, alertsTopic]) await clients.ensureTopic(topic, 1)
  const rows = fixedRows()
  const half = Math.floor(rows.length / 2)
  const send = (list: Row[]) =>
    sendRaw(
      source,
      list.map((row) => ({ partition: 0, value: encodeLiveMessage(row.record, row.time) })),
    )

  await startEngines(own)
  const sessionId = await recordLiveSession(own)
  const supervisor = new LiveSupervisor(own, sessionId, {
    kafka: own.kafka,
    sourceTopic: source,
    windowsTopic,
    alertsTopic,
    window: '1 hour',
    watermark: '10 minutes',
    trigger: '1 second',
    checkpointDir: sparkPathOf(checkpointsLocation(own)),
    startingOffsets: 'earliest',
    baseline: BASELINE,
  })
  const caughtUp = async () => {
    const ends = await topicEndOffsets({ ...own.kafka, topic: source })
    await supervisor.poll()
    return (await supervisor.caughtUp(ends)) || undefined
  }
  try {
    await supervisor.start()
    await send(rows.slice(0, half))
    await sendRaw(
      source,
      MALFORMED.map((value) => ({ partition: 0, value })),
    )
    await until('the first half', caughtUp, QUERIES_WAIT)

    // Another process sees the queries through the session recorded in the state dir.
    const seen = await liveQueries(own)
    assert.deepEqual(seen.map((q) => q.name).sort(), Object.values(LIVE_QUERY_NAMES).sort())
    assert.ok(seen.every((q) => q.isActive && q.batchId !== null))
    // Spark's own count of the malformed messages, as GET /live and the Live page show it.
    assert.ok(
      seen.every((q) => q.recentMalformedRows === MALFORMED.length),
      JSON.stringify(seen.map((q) => q.recentMalformedRows)),
    )

    // The supervisor counts malformed rows from the progress it polls, which a killed server takes with it; the
    // queries may have caught up in a batch polled after the count: the kill comes once it has counted them (after
    // the restart they must not be counted again).
    await until(
      'the supervisor to count the malformed messages',
      async () => {
        await supervisor.poll()
        return supervisor.totals.malformed === MALFORMED.length || undefined
      },
      QUERIES_WAIT,
    )
    const pid = (await engineStatuses(own)).find((engine) => engine.name === 'Spark Connect')?.pid
    assert.ok(pid !== undefined, 'the Spark Connect server this test started is running')
    process.kill(pid, 'SIGKILL')
    await until('the server to die', async () => (isAlive(pid) ? undefined : true), {
      timeoutMs: 30_000,
    })
    await send([...rows.slice(half), FLUSH])
    await startEngines(own)
    await until('the second half, after the restart', caughtUp, QUERIES_WAIT)
    assert.ok(supervisor.totals.restarts >= 1, 'the queries were started again from their checkpoints')
    assert.equal(supervisor.totals.malformed, MALFORMED.length)

    const expected = expectedWindows([...rows, FLUSH])
    const overThreshold = [...expected].filter(
      ([, w]) => w.window_start !== FLUSH.time.toISOString() && zOf(w) >= ALERT_Z.low,
    )
    assert.ok(overThreshold.length > 0 && overThreshold.length < expected.size - 1)
    const severities = new Set(overThreshold.map(([, w]) => (zOf(w) >= ALERT_Z.high ? 'high' : 'low')))
    assert.equal(severities.size, 2, 'both severities are exercised')
    const alerts = await until(
      'the alerts of the closed windows',
      async () => {
        const found = await finalValues(alertsTopic)
        await supervisor.poll()
        return found.size >= overThreshold.length ? found : undefined
      },
      QUERIES_WAIT,
    )
    assert.deepEqual([...alerts.keys()].sort(), overThreshold.map(([key]) => key).sort())
    for (const [key, window] of overThreshold) {
      const alert = alerts.get(key) as Record<string, number | string>
      assert.equal(alert.rows, window.rows, key)
      assert.ok(Math.abs((alert.mean_traffic_density as number) - window.mean_traffic_density) < 1e-9, key)
      assert.equal(alert.expected, NORMAL[window.city as keyof typeof NORMAL])
      assert.equal(alert.spread, SPREAD)
      assert.ok(Math.abs((alert.z as number) - zOf(window)) < 1e-9, key)
      assert.equal(alert.severity, zOf(window) >= ALERT_Z.high ? 'high' : 'low', key)
    }

    const windows = await finalValues(windowsTopic)
    assert.deepEqual([...windows.keys()].sort(), [...expected.keys()].sort())
    for (const [key, want] of expected) {
      const got = windows.get(key) as unknown as Aggregate
      assert.deepEqual(
        [got.city, got.window_start, got.window_end, got.rows],
        [want.city, want.window_start, want.window_end, want.rows],
        key,
      )
      for (const measure of [
        'mean_traffic_density',
        'mean_speed',
        'peak_share',
        'mean_energy_consumption',
      ] as const) {
        assert.ok(
          Math.abs(got[measure] - want[measure]) < 1e-9,
          `${key} ${measure}: ${got[measure]} vs ${want[measure]}`,
        )
      }
    }

    // The checkpoints are where they were configured: every query's offsets at the root, none anywhere else.
    const root = place.store(stateDir)
    const keys = await root.list()
    for (const query of Object.values(LIVE_QUERY_NAMES)) {
      const offsets = `${own.kafka.topic}/checkpoints/${query}/offsets/`
      assert.ok(
        keys.some((key) => key.startsWith(offsets)),
        `${offsets} in ${root.location}`,
      )
    }
    const local = await offsetsFolders(stateDir)
    assert.equal(local.length > 0, place.local, `checkpoint folders in the state dir: ${local.join(', ')}`)
  } finally {
    await supervisor.stop()
    await stopEngines(own)
    await cleanUp({ topics: [source, windowsTopic, alertsTopic], dirs: [stateDir] })
  }
}

const ACROSS_SIGKILL =
  'live windows and alerts equal the aggregates computed independently, across a SIGKILL of Spark Connect'

test(`${ACROSS_SIGKILL}, checkpoints in the state dir's folder`, () => liveAcrossSigkill(FOLDER))

test(`${ACROSS_SIGKILL}, checkpoints on S3 (S3Proxy over s3a)`, async () => {
  const s3proxy = await startS3Proxy('traffic-live')
  try {
    await liveAcrossSigkill(bucketPlace(s3proxy))
  } finally {
    await s3proxy.stop()
  }
})

test('liveQueries answers [] when no live session is recorded', async () => {
  const stateDir = await tempDir('traffic-live-none')
  try {
    assert.deepEqual(await liveQueries(loadConfig({ stateDir })), [])
  } finally {
    await cleanUp({ dirs: [stateDir] })
  }
})
