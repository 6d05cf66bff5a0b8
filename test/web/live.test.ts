// The Live page in Debian's Chromium over the whole real chain: `traffic live` (src/live/run.ts) replays a
// generated data set on unique topics with a jam scenario, its Spark Structured Streaming queries run on the
// real Spark Connect server (checkpoints in a temp state dir) and write windows and alerts to Kafka, the API
// follows all three topics and scores the stream with the trained-model fixture, and the page reads it through
// the UI server's /api forwarder. Malformed messages written into the stream topic mid-run are counted by the
// API and by Spark, and shown, while windows and scoring go on; the full page fits its cards wide and narrow.
// Screenshots land in test-artifacts/screenshots/.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { after, before, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Locator, Page } from 'playwright-core'
import { buildApp } from '../../src/api/app.ts'
import { liveFeedOptions } from '../../src/api/server.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import type { City } from '../../src/contract/columns.ts'
import { ANALYTICS_FILE } from '../../src/contract/models.ts'
import { type LiveSummary, runLive } from '../../src/live/run.ts'
import type { Analytics } from '../../src/training/analytics.ts'
import { DIST_DIR, ensureWebBuild } from '../../src/ui/build.ts'
import { startUiServer, type UiServer } from '../../src/ui/server.ts'
import { trainedModels } from '../fixtures/models.ts'
import { REAL_ROW } from '../fixtures/records.ts'
import { until } from '../fixtures/wait.ts'
import { cleanUp, clients, generateCsv, tempDir, unique } from '../stream/helpers.ts'
import { type Browser, consoleErrors, launchBrowser, screenshot, whatDoesNotFit } from './browser.ts'

/** A simulated hour every 5 s: the density chart gains a window per city every 5 s. */
const CLOCK = 720
const RATE = 200
/** Half past, so the jam fills the next whole hour, 2.5 s into the replay (see replay.ts). */
const START = new Date('2026-01-05T06:30:00.000Z')
const JAM_CITY: City = 'Neuroburg'
const JAM_WINDOW = '2026-01-05T07:00:00.000Z'
const MALFORMED = [
  'not json at all',
  JSON.stringify({ City: 'AquaCity', 'Event Time': '2026-01-05T07:00:00.000Z' }),
  JSON.stringify({ ...REAL_ROW, Speed: 'fast', 'Event Time': '2026-01-05T07:00:00.000Z' }),
]

let stateDir: string
let live: Config
let api: FastifyInstance
let ui: UiServer
let browser: Browser
const stop = new AbortController()
let run: Promise<LiveSummary> | undefined

before(async () => {
  stateDir = await tempDir('live-ui')
  // The fixture's models carry analytics.json: the congestion baseline from its training data, which a jam
  // (densities above the data set's highest) surely exceeds.
  live = loadConfig(
    {
      stateDir,
      dataset: await generateCsv(stateDir, 3000, 31),
      models: await trainedModels(),
      topic: unique('live-ui-stream'),
      liveClock: CLOCK,
      liveRate: RATE,
    },
    {
      ...process.env,
      LIVE_WINDOWS_TOPIC: unique('live-ui-windows'),
      LIVE_ALERTS_TOPIC: unique('live-ui-alerts'),
    },
  )
  api = await buildApp({
    modelsDir: live.paths.models,
    corsOrigins: [],
    logger: false,
    // Named like the batch writer's group (urban_traffic_batch_writer): no hyphen to break it at, as long as a
    // real group name gets. The lag table must still fit its card.
    live: { ...liveFeedOptions(live), groupId: unique('live-ui-api').replaceAll('-', '_') },
  })
  await api.listen({ host: '127.0.0.1', port: 0 })
  const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`
  await ensureWebBuild()
  ui = await startUiServer({ host: '127.0.0.1', port: 0, apiUrl, distDir: DIST_DIR })
  browser = await launchBrowser()
  // The API follows the stream from its latest offset: it must be reading before the replay starts.
  while (api.live.snapshot().status.kafka !== 'up') await new Promise((resolve) => setTimeout(resolve, 200))
  run = runLive(live, { start: START, scenario: { kind: 'jam', city: JAM_CITY }, signal: stop.signal })
})

after(async () => {
  stop.abort()
  await run
  await browser?.close()
  await ui?.close()
  await api?.close()
  await cleanUp({
    topics: [live.kafka.topic, live.live.windowsTopic, live.live.alertsTopic],
    dirs: [stateDir],
  })
})

/** Drawn symbols of a chart's line series (ECharts draws each point's circle as one SVG path). */
const SYMBOL = 'path[d^="M1 0A1 1 0 1 1"]'
const points = (chart: Locator) =>
  chart.locator('svg').evaluate((svg, symbol) => svg.querySelectorAll(symbol).length, SYMBOL)

/** Waits until the chart draws more than `count` points. */
const morePoints = (page: Page, testId: string, count: number, timeout: number) =>
  page.waitForFunction(
    ([selector, count]) => document.querySelectorAll(selector).length > count,
    [`[data-testid="${testId}"] svg ${SYMBOL}`, count] as const,
    { timeout },
  )

const snapshot = () => api.live.snapshot()

test('with `traffic live --scenario jam:Neuroburg` running, the Live page moves, shows the jam alert and the malformed messages, with no console error', async () => {
  const page = await browser.context.newPage()
  const errors = consoleErrors(page)
  try {
    await page.goto(`${ui.url}/#/live`)
    await page.getByTestId('live-status').getByText('Kafka: up').waitFor()
    // Spark's queries start, then their first windows come (slow on a busy machine).
    await morePoints(page, 'chart-live-density', 0, 90_000)

    const producer = clients.producer(unique('live-ui-malformed'))
    try {
      await producer.send({ messages: MALFORMED.map((value) => ({ topic: live.kafka.topic, value })) })
    } finally {
      await producer.close()
    }
    const scoredBefore = snapshot().scoring.scored
    const density = page.getByTestId('chart-live-density')
    const throughput = page.getByTestId('chart-live-throughput')
    const before = { density: await points(density), throughput: await points(throughput) }
    const clockBefore = await page.getByTestId('live-clock').textContent()

    // Over at least 5 s, both charts gain points: new windows from Spark, new throughput samples.
    await page.waitForTimeout(5000)
    await morePoints(page, 'chart-live-density', before.density, 60_000)
    await morePoints(page, 'chart-live-throughput', before.throughput, 10_000)
    assert.notEqual(await page.getByTestId('live-clock').textContent(), clockBefore, 'the clock moves')

    // The malformed messages are counted by the API (each with its reason) and by Spark's queries, and
    // skipped: scoring and windows went on past them.
    const spark = await until(
      'Spark to count the malformed messages',
      () => snapshot().queries.list.find((query) => query.recentMalformedRows === MALFORMED.length),
      { timeoutMs: 90_000, everyMs: 500 },
    )
    assert.ok(spark.isActive)
    const counted = snapshot().scoring
    assert.equal(counted.malformed, MALFORMED.length, 'every replayed row is valid; ours are not')
    assert.match(counted.last_malformed ?? '', /Speed/)
    assert.ok(counted.scored > scoredBefore, 'scoring goes on')
    const malformed = page.getByTestId('live-malformed')
    await malformed.getByText(`${MALFORMED.length} malformed messages (latest:`, { exact: false }).waitFor()
    await malformed
      .getByText(`Spark skipped ${MALFORMED.length} malformed messages`, { exact: false })
      .waitFor()

    // The jam's window closes (the watermark passes it) and its alert reaches the page, against the city's
    // baseline from the models' analytics.json.
    const alert = await until(
      'the jam alert',
      () => snapshot().alerts.find((a) => a.city === JAM_CITY && a.window_start === JAM_WINDOW),
      { timeoutMs: 90_000, everyMs: 500 },
    )
    const analytics = JSON.parse(
      await readFile(path.join(live.paths.models, ANALYTICS_FILE), 'utf8'),
    ) as Analytics
    // Monday 07:00 UTC: the jam's window compared with what is normal for the city then.
    const normal = analytics.congestion_baseline.find(
      (cell) => cell.city === JAM_CITY && cell.day === 'Monday' && cell.hour === 7,
    )
    assert.equal(alert.expected, normal?.expected)
    assert.equal(alert.severity, 'high')
    assert.ok(alert.mean_traffic_density > alert.threshold)
    // The jam's rows were read by the API too: counted apart, never scored as drift.
    assert.ok(snapshot().scoring.scenario_rows > 0, 'the jam rows are counted apart')
    await malformed.getByText('made up by a scenario (not scored', { exact: false }).waitFor()
    const row = page
      .getByTestId('live-alerts')
      .locator('tr', { hasText: JAM_CITY })
      .filter({ hasText: alert.mean_traffic_density.toFixed(3) })
    await row.waitFor()
    assert.ok(((await row.textContent()) ?? '').includes(alert.expected.toFixed(3)))
    await screenshot(page, 'live')

    // Full of live data (the consumer lag table, the alerts, the scoring), every card holds its content.
    await page.getByTestId('live-lag').waitFor()
    for (const width of [1400, 390]) {
      assert.deepEqual(await whatDoesNotFit(page, width), [], `at ${width} px`)
      await screenshot(page, `live-${width}`)
    }
  } finally {
    await page.close()
  }
  assert.deepEqual(errors, [])
})
