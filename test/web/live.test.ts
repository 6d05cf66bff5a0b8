// The Live page in Debian's Chromium, fed through the real chain: Kafka (the real broker) → the API's live
// view → Server-Sent Events → the UI server's /api forwarder → the page. A feed stands in for the replay and
// Spark's queries by writing their contract's messages (stream rows with event times, window updates, a jam's
// alert) to unique topics. Screenshots land in test-artifacts/screenshots/.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Locator } from 'playwright-core'
import { buildApp } from '../../src/api/app.ts'
import type { LiveWindow } from '../../src/api/live-schemas.ts'
import type { LiveTopics } from '../../src/api/services/live-kafka.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { CITIES } from '../../src/schema/columns.ts'
import type { KafkaProducer } from '../../src/stream/kafka-clients.ts'
import { DIST_DIR, ensureWebBuild } from '../../src/ui/build.ts'
import { startUiServer, type UiServer } from '../../src/ui/server.ts'
import { trainedModels } from '../fixtures/models.ts'
import { clients, config, unique } from '../stream/helpers.ts'
import { type Browser, consoleErrors, launchBrowser, screenshot } from './browser.ts'

const HOUR_MS = 3_600_000
/** Simulated seconds per real second, as `traffic live --clock` defaults to. */
const CLOCK = 360
const JAM_CITY = 'Neuroburg'

const topics: LiveTopics = {
  stream: unique('live-ui-stream'),
  windows: unique('live-ui-windows'),
  alerts: unique('live-ui-alerts'),
}
let api: FastifyInstance
let ui: UiServer
let browser: Browser
let producer: KafkaProducer
let feed: { stop(): Promise<void>; jam(): void }

/** Rows at ~100/s with a simulated clock, and every 500 ms the windows of the current hour, as Spark updates them. */
function startFeed(): typeof feed {
  const next = createSyntheticSource(11)
  const started = Date.now()
  const simulatedStart = Date.parse('2026-01-05T06:00:00Z')
  const counts = new Map<string, { rows: number; density: number }>()
  let jamHour: number | undefined
  let stopped = false
  const send = (topic: string, values: string[]) =>
    producer.send({ messages: values.map((value) => ({ topic, value })) })

  const loop = (async () => {
    while (!stopped) {
      const now = simulatedStart + (Date.now() - started) * CLOCK
      const hour = Math.floor(now / HOUR_MS) * HOUR_MS
      const rows = Array.from({ length: 50 }, () => ({
        ...next(),
        'Event Time': new Date(now).toISOString(),
      }))
      const windows: LiveWindow[] = []
      for (const city of CITIES) {
        const key = `${city}|${hour}`
        const cityRows = rows.filter((row) => row.City === city)
        const jammed = city === JAM_CITY && jamHour === hour
        const sum = counts.get(key) ?? { rows: 0, density: 0 }
        sum.rows += cityRows.length
        sum.density += cityRows.reduce((total, row) => total + (jammed ? 0.9 : row['Traffic Density']), 0)
        counts.set(key, sum)
        if (sum.rows === 0) continue
        windows.push({
          city,
          window_start: new Date(hour).toISOString(),
          window_end: new Date(hour + HOUR_MS).toISOString(),
          rows: sum.rows,
          mean_traffic_density: sum.density / sum.rows,
          mean_speed: 60,
          peak_share: 0.3,
          mean_energy_consumption: 45,
        })
      }
      await send(topics.stream, [
        ...rows.map((row) => JSON.stringify(row)),
        JSON.stringify({ ...next(), Speed: -1 }),
      ])
      await send(
        topics.windows,
        windows.map((w) => JSON.stringify(w)),
      )
      const jam = windows.find((w) => w.city === JAM_CITY && jamHour === hour)
      if (jam) {
        const { mean_speed, peak_share, mean_energy_consumption, ...fields } = jam
        await send(topics.alerts, [JSON.stringify({ ...fields, threshold: 0.5 })])
      }
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  })()
  return {
    // The burst fills the next simulated hour (about 10 s away), so that window is jammed throughout.
    jam: () => {
      jamHour = (Math.floor((simulatedStart + (Date.now() - started) * CLOCK) / HOUR_MS) + 1) * HOUR_MS
    },
    stop: async () => {
      stopped = true
      await loop
    },
  }
}

before(async () => {
  producer = clients.producer(unique('live-ui'))
  api = await buildApp({
    modelsDir: await trainedModels(),
    corsOrigins: [],
    logger: false,
    live: { kafka: config.kafka, topics, groupId: unique('live-ui-api'), tickMs: 1000 },
  })
  await api.listen({ host: '127.0.0.1', port: 0 })
  const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`
  await ensureWebBuild()
  ui = await startUiServer({ host: '127.0.0.1', port: 0, apiUrl, distDir: DIST_DIR })
  browser = await launchBrowser()
  while (api.live.snapshot().status.kafka !== 'up') await new Promise((resolve) => setTimeout(resolve, 200))
  feed = startFeed()
})

after(async () => {
  await feed?.stop()
  await browser?.close()
  await ui?.close()
  await api?.close()
  await producer?.close()
})

/** Drawn symbols of a chart's line series (ECharts draws each point's circle as one SVG path). */
const points = (chart: Locator) =>
  chart.locator('svg').evaluate((svg) => svg.querySelectorAll('path[d^="M1 0A1 1 0 1 1"]').length)

test('the Live page moves with the stream, shows a jam alert and the live model error, with no console error', async () => {
  const page = await browser.context.newPage()
  const errors = consoleErrors(page)
  try {
    await page.goto(`${ui.url}/#/live`)
    const density = page.getByTestId('chart-live-density')
    const throughput = page.getByTestId('chart-live-throughput')
    await page.getByTestId('live-status').getByText('Kafka: up').waitFor()
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid="chart-live-throughput"] svg path').length > 4,
    )
    const before = { density: await points(density), throughput: await points(throughput) }
    const clockBefore = await page.getByTestId('live-clock').textContent()

    // At 360 simulated seconds per second a new hourly window opens every 10 s.
    await page.waitForTimeout(5000)
    await page.waitForFunction(
      (count) =>
        document.querySelectorAll('[data-testid="chart-live-density"] svg path[d^="M1 0A1 1 0 1 1"]').length >
        count,
      before.density,
      { timeout: 15_000 },
    )
    const later = { density: await points(density), throughput: await points(throughput) }
    assert.ok(
      later.throughput > before.throughput,
      `throughput points ${before.throughput} → ${later.throughput}`,
    )
    assert.notEqual(
      await page.getByTestId('live-clock').textContent(),
      clockBefore,
      'the simulated clock moves',
    )

    const scoring = page.getByTestId('live-scoring')
    assert.match(
      (await scoring.locator('tr', { hasText: 'Traffic Density' }).textContent()) ?? '',
      /\d\.\d{4}.*\d\.\d{4}/,
    )
    await page
      .getByTestId('live-malformed')
      .getByText(/[1-9][\d,]* malformed messages/)
      .waitFor()
    assert.match(
      (await page.getByTestId('live-malformed').textContent()) ?? '',
      /Speed must be a finite number ≥ 0/,
    )

    // Pause freezes the view; resume catches up.
    await page.getByRole('button', { name: 'Pause' }).click()
    const frozen = await points(throughput)
    await page.waitForTimeout(2500)
    assert.equal(await points(throughput), frozen, 'paused: no new points')
    await page.getByRole('button', { name: 'Resume' }).click()
    await page.waitForFunction(
      (count) =>
        document.querySelectorAll('[data-testid="chart-live-throughput"] svg path[d^="M1 0A1 1 0 1 1"]')
          .length > count,
      frozen,
    )

    feed.jam()
    const alert = page.getByTestId('live-alerts').locator('tr', { hasText: JAM_CITY })
    await alert.waitFor({ timeout: 15_000 })
    assert.match((await alert.textContent()) ?? '', /0\.900.*0\.500/)
    await screenshot(page, 'live')
  } finally {
    await page.close()
  }
  assert.deepEqual(errors, [])
})
