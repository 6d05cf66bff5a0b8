// GET /live and GET /live/events against the real Kafka broker: stream rows (with their simulated event time,
// and some malformed), window updates and alerts written to unique topics in the contract's JSON are scored,
// kept and streamed; lag comes from the API's own read position. Two API processes each see the whole live view.
// Without Kafka the API still predicts.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import type { LiveEvents, LiveSnapshot, LiveWindow } from '../../../src/api/live-schemas.ts'
import type { LiveFeedOptions } from '../../../src/api/services/live-feed.ts'
import { CITIES, type TrafficRecord } from '../../../src/contract/columns.ts'
import { ANALYTICS_FILE } from '../../../src/contract/models.ts'
import { createSyntheticSource } from '../../../src/dataset/generator.ts'
import { binOf, populationStabilityIndex, storedFeatureBins } from '../../../src/drift.ts'
import { kafkaAdmin } from '../../../src/stream/kafka-clients.ts'
import { REAL_ROW } from '../../fixtures/records.ts'
import { followEvents } from '../../fixtures/sse.ts'
import { until } from '../../fixtures/wait.ts'
import { clients, config, unique } from '../../stream/helpers.ts'
import { modelsFolder, type RunningApi, startApi } from '../fixtures.ts'

function liveOptions(): LiveFeedOptions {
  return {
    kafka: config.kafka,
    topics: { stream: unique('live-stream'), windows: unique('live-windows'), alerts: unique('live-alerts') },
    groupId: unique('live-api'),
    tickMs: 300,
    retryMs: 500,
  }
}

const snapshot = async (api: RunningApi) => (await api.get<LiveSnapshot>('/live')).json

/** The lag rows of the API's own reading of the stream (its group is named after `options.groupId`). */
const ownLag = (live: LiveSnapshot, options: LiveFeedOptions) =>
  live.lag.partitions.filter(
    (p) => p.group.startsWith(`${options.groupId}-`) && p.topic === options.topics.stream,
  )

/** The events of an SSE stream as they arrive, parsed. */
function readEvents(url: string): { events: { event: string; data: unknown }[]; close(): void } {
  const events: { event: string; data: unknown }[] = []
  const close = followEvents(url, (event, data) => events.push({ event, data }))
  return { events, close }
}

function window(city: string, start: string, rows: number, density: number): LiveWindow {
  const end = new Date(Date.parse(start) + 3_600_000).toISOString()
  return {
    city,
    window_start: start,
    window_end: end,
    rows,
    mean_traffic_density: density,
    mean_speed: 50,
    peak_share: 0.25,
    mean_energy_consumption: 40,
  }
}

test('the live view scores the stream, keeps the latest windows and alerts, counts malformed rows, and streams it all', async () => {
  const folder = modelsFolder(true)
  const options = liveOptions()
  const api = await startApi(folder.dir, { live: options })
  const producer = clients.producer(unique('live-test'))
  const sse = readEvents(`${api.url}/live/events`)
  try {
    await until('Kafka up', async () => ((await snapshot(api)).status.kafka === 'up' ? true : undefined))
    // The API follows from the latest offset: send single rows until one is scored, so the group surely reads.
    const send = (topic: string, values: string[], key?: string) =>
      producer.send({ messages: values.map((value) => ({ topic, value, ...(key ? { key } : {}) })) })
    await until('the first scored row', async () => {
      await send(options.topics.stream, [JSON.stringify(REAL_ROW)])
      return (await snapshot(api)).scoring.scored > 0 ? true : undefined
    })
    // Every warm-up row the group will read is read once its committed offsets reach the stream's end.
    await until('the API group has read every warm-up row', async () => {
      const own = ownLag(await snapshot(api), options)
      return own.length > 0 && own.every((p) => p.lag === 0) ? true : undefined
    })
    const warmupRows = (await snapshot(api)).scoring.scored

    const next = createSyntheticSource(7)
    const start = Date.parse('2026-01-05T08:00:00Z')
    const rows: (TrafficRecord & { 'Event Time': string })[] = Array.from({ length: 300 }, (_, i) => ({
      ...next(),
      'Event Time': new Date(start + i * 10_000).toISOString(),
    }))
    await send(options.topics.stream, [
      ...rows.map((row) => JSON.stringify(row)),
      '{"City": "AquaCity"',
      JSON.stringify({ ...REAL_ROW, City: 'Atlantis' }),
    ])
    const first = window('AquaCity', '2026-01-05T08:00:00.000Z', 10, 0.3)
    const updated = window('AquaCity', '2026-01-05T08:00:00.000Z', 25, 0.35)
    const other = window('Neuroburg', '2026-01-05T09:00:00.000Z', 5, 0.8)
    await send(
      options.topics.windows,
      [first, updated, other].map((w) => JSON.stringify(w)),
    )
    await send(options.topics.windows, ['not json at all'])
    const { mean_speed, peak_share, mean_energy_consumption, ...alertFields } = other
    const alert = { ...alertFields, expected: 0.5, spread: 0.1, threshold: 0.6, z: 3, severity: 'high' }
    await send(options.topics.alerts, [JSON.stringify(alert)])

    const live = await until('every row and window', async () => {
      const now = await snapshot(api)
      const done = now.scoring.scored + now.scoring.malformed >= warmupRows + 302 && now.alerts.length === 1
      return done && now.windows.recent.length === 2 ? now : undefined
    })

    assert.equal(live.scoring.scored, warmupRows + 300)
    assert.equal(live.scoring.malformed, 2)
    assert.match(live.scoring.last_malformed ?? '', /City must be one of: .* \(got "Atlantis"\)/)
    assert.equal(live.clock, rows.at(-1)?.['Event Time'])

    // The rolling error equals the error computed here from the same rows and the served model.
    const density = api.app.models.slot('traffic_density')?.model?.evaluator
    assert.ok(density)
    const errors = [...Array(warmupRows).fill(REAL_ROW), ...rows].map(
      (row: TrafficRecord) => density.predict(row).prediction - row['Traffic Density'],
    )
    const scoring = live.scoring.models.find((model) => model.id === 'traffic_density')
    assert.equal(scoring?.live?.count, errors.length)
    const mae = errors.reduce((sum, e) => sum + Math.abs(e), 0) / errors.length
    const rmse = Math.sqrt(errors.reduce((sum, e) => sum + e * e, 0) / errors.length)
    assert.ok(Math.abs((scoring?.live?.mae ?? Number.NaN) - mae) < 1e-9)
    assert.ok(Math.abs((scoring?.live?.rmse ?? Number.NaN) - rmse) < 1e-9)
    assert.equal(typeof scoring?.held_out?.mae, 'number', 'held-out error from report.json')
    const aquaRows = rows.filter((row) => row.City === 'AquaCity').length + warmupRows
    assert.equal(scoring?.cities.find((c) => c.city === 'AquaCity')?.count, aquaRows)

    assert.deepEqual(live.windows.recent, [updated, other])
    assert.deepEqual(live.windows.latest, [updated, other])
    assert.deepEqual(live.alerts, [alert])

    // Data drift over the same rows, against the training bins saved with the models (analytics.json).
    const bins = storedFeatureBins(JSON.parse(readFileSync(path.join(folder.dir, ANALYTICS_FILE), 'utf8')))
    assert.ok(bins, 'the models carry training bins')
    const scoredRows = [...Array(warmupRows).fill(REAL_ROW), ...rows] as TrafficRecord[]
    assert.equal(live.drift.rows, scoredRows.length)
    assert.deepEqual(
      live.drift.features.map((f) => [f.feature, f.psi]),
      bins.map((feature) => {
        const counts = new Array<number>(feature.shares.length).fill(0)
        for (const row of scoredRows) {
          const bin = binOf(feature, row)
          counts[bin] = (counts[bin] ?? 0) + 1
        }
        return [feature.feature, populationStabilityIndex(feature.shares, counts)]
      }),
    )

    // Lag from Kafka's own offsets: the API's group catches up with the stream's end. Lag is sampled once a tick,
    // so a sample from before the rows above were sent also shows lag 0: wait for one that counts them.
    const lag = await until('the API to read every row', async () => {
      const own = ownLag(await snapshot(api), options)
      const end = own.reduce((sum, p) => sum + p.end, 0)
      return own.length > 0 && end >= warmupRows + 302 && own.every((p) => p.lag === 0) ? own : undefined
    })
    for (const partition of lag) assert.equal(partition.committed, partition.end)
    const throughput = (await snapshot(api)).throughput
    assert.ok(throughput.history.length > 0 && throughput.latest !== null)
    assert.ok(throughput.history.some((sample) => sample.produce_rows_per_s > 0))
    // The error's history is the API's: a sample taken once every row was scored holds the live error ratio.
    const ratio = (scoring?.live?.mae ?? Number.NaN) / (scoring?.held_out?.mae ?? Number.NaN)
    await until(
      'a throughput sample holding the live error ratio',
      async () =>
        (await snapshot(api)).throughput.history.some(
          (sample) => Math.abs((sample.error_ratios.traffic_density ?? Number.NaN) - ratio) < 1e-9,
        ) || undefined,
    )

    // The same updates, as they happened, on the event stream.
    const seen = (name: keyof LiveEvents) => sse.events.filter((e) => e.event === name).map((e) => e.data)
    assert.equal(sse.events[0]?.event, 'snapshot')
    assert.deepEqual(seen('window'), [first, updated, other])
    assert.deepEqual(seen('alert'), [alert])
    const stats = seen('stats') as LiveEvents['stats'][]
    assert.ok(stats.length > 0)
    assert.equal(stats.at(-1)?.scoring.malformed, 2)
  } finally {
    sse.close()
    await producer.close()
    await api.close()
    folder.cleanup()
  }
})

test('two API processes with the same configuration each see every row, every city’s windows and the jam alert', async () => {
  const folder = modelsFolder(true)
  const options = liveOptions()
  const apis = [await startApi(folder.dir, { live: options }), await startApi(folder.dir, { live: options })]
  const closeAll = () => Promise.all(apis.splice(0).map((api) => api.close()))
  const producer = clients.producer(unique('live-two-apis'))
  try {
    for (const api of apis) {
      await until('Kafka up', async () => ((await snapshot(api)).status.kafka === 'up' ? true : undefined))
    }
    const rows = Array.from({ length: 60 }, (_, i) => ({ ...REAL_ROW, City: CITIES[i % CITIES.length] }))
    const windows = CITIES.map((city) => window(city, '2026-01-05T08:00:00.000Z', 40, 0.4))
    const jam = {
      ...window('AquaCity', '2026-01-05T08:00:00.000Z', 40, 0.9),
      expected: 0.5,
      spread: 0.1,
      threshold: 0.6,
      z: 4,
      severity: 'high',
    }
    const { mean_speed, peak_share, mean_energy_consumption, ...alert } = jam
    const keyed = (topic: string, values: { city: string; window_start: string }[]) =>
      values.map((value) => ({
        topic,
        key: `${value.city}|${value.window_start}`,
        value: JSON.stringify(value),
      }))
    await producer.send({
      messages: [
        ...rows.map((row, i) => ({
          topic: options.topics.stream,
          key: String(i),
          value: JSON.stringify(row),
        })),
        ...keyed(options.topics.windows, windows),
        ...keyed(options.topics.alerts, [alert]),
      ],
    })
    for (const api of apis) {
      const live = await until('every row, window and alert on each API', async () => {
        const now = await snapshot(api)
        const complete =
          now.scoring.scored >= rows.length &&
          now.windows.latest.length >= CITIES.length &&
          now.alerts.length >= 1
        return complete ? now : undefined
      })
      assert.equal(live.scoring.scored, rows.length)
      assert.deepEqual(
        live.windows.latest.map((w) => w.city),
        [...CITIES].sort(),
      )
      assert.deepEqual(live.alerts, [alert])
    }
    // Each process reads in a group of its own, and deletes it when it closes.
    const admin = kafkaAdmin(config.kafka, 'live-two-apis')
    try {
      const groupsNow = async () =>
        [...(await admin.listGroups()).keys()].filter((group) => group.startsWith(`${options.groupId}-`))
      assert.equal((await groupsNow()).length, 2)
      await closeAll()
      assert.deepEqual(await groupsNow(), [])
    } finally {
      await admin.close()
    }
  } finally {
    await producer.close()
    await closeAll()
    folder.cleanup()
  }
})

test('without Kafka the live view says so and predictions still answer', async () => {
  const folder = modelsFolder(true)
  const options = { ...liveOptions(), kafka: { ...config.kafka, brokers: ['127.0.0.1:1'] } }
  const api = await startApi(folder.dir, { live: options })
  try {
    const live = await until('the unreachable status', async () => {
      const now = await snapshot(api)
      return now.status.kafka === 'unreachable' ? now : undefined
    })
    assert.match(live.status.message ?? '', /Kafka unreachable: .*127\.0\.0\.1:1/)
    assert.deepEqual(live.windows, { latest: [], recent: [] })
    const { 'Traffic Density': _target, ...features } = REAL_ROW
    const answer = await api.post<{ predicted_traffic_density: number }>('/predict_traffic_density', features)
    assert.equal(answer.status, 200)
    assert.equal(typeof answer.json.predicted_traffic_density, 'number')
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('with live off (traffic serve --no-live) GET /live says so, and both routes are in the OpenAPI document', async () => {
  const folder = modelsFolder(false)
  const api = await startApi(folder.dir)
  try {
    const live = await snapshot(api)
    assert.deepEqual(live.status, { kafka: 'off', message: 'live view turned off (traffic serve --no-live)' })
    assert.equal(live.scoring.scored, 0)
    const doc = (await api.get<{ paths: Record<string, unknown> }>('/openapi.json')).json
    assert.ok(doc.paths['/live'])
    assert.ok(doc.paths['/live/events'])
  } finally {
    await api.close()
    folder.cleanup()
  }
})
