// The model lifecycle in Debian's Chromium: two versions trained on the real Spark Connect server into one models
// folder, the second promoted through the registry; the real API (with its live feed on Kafka) serves them and
// the web UI reads them through its /api forwarder. The Models page shows the version history with the champion
// and the promotion log; the Live page, while real rows flow on the stream, marks a rollback and a promotion on
// its live error chart. Screenshots land in test-artifacts/screenshots/.
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { after, before, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { buildApp } from '../../src/api/app.ts'
import { liveFeedOptions } from '../../src/api/server.ts'
import { type Config, loadConfig } from '../../src/config.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { encodeJsonMessage } from '../../src/contract/json.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { type ModelRegistry, openRegistry, type VersionRecord } from '../../src/lifecycle/registry.ts'
import { batchFileName } from '../../src/stream/batch-files.ts'
import { folderModels } from '../../src/training/models-folder.ts'
import type { TrainingParams } from '../../src/training/report.ts'
import { train } from '../../src/training/train.ts'
import { DIST_DIR, ensureWebBuild } from '../../src/ui/build.ts'
import { startUiServer, type UiServer } from '../../src/ui/server.ts'
import { cleanUp, clients, tempDir, unique } from '../stream/helpers.ts'
import { type Browser, consoleErrors, launchBrowser, screenshot, whatDoesNotFit } from './browser.ts'

const TOPIC = 'lifecycle-ui'
const ROWS_PER_BATCH = 1500
const FOREST = { algorithm: 'randomForest', numTrees: 4, maxDepth: 4, maxBins: 32 } as const
/** Small forests: the test is about what the pages show of the versions, not about their quality. */
const PARAMS: TrainingParams = {
  encoding: 'indexed',
  seed: 12345,
  models: { traffic_density_model: FOREST, peak_hour_model: FOREST, energy_consumption_model: FOREST },
}

/** A version id as the pages shorten it: its random tail. */
const short = (id: string) => id.split('-').at(-1) ?? id

let work: string
let config: Config
let registry: ModelRegistry
let first: VersionRecord
let second: VersionRecord
let api: FastifyInstance
let ui: UiServer
let browser: Browser
const next = createSyntheticSource(7)

/** The next batch file of generated rows, as the batch writer names it. */
async function writeBatch(batches: string, index: number) {
  const lines = [CSV_HEADER]
  for (let i = 0; i < ROWS_PER_BATCH; i++) lines.push(encodeCsvLine(next()))
  const firstOffset = BigInt(index * ROWS_PER_BATCH)
  const name = batchFileName(TOPIC, 0, firstOffset, firstOffset + BigInt(ROWS_PER_BATCH - 1))
  await writeFile(path.join(batches, name), `${lines.join('\n')}\n`)
}

async function trainVersion(batches: string, reason: string, promote: boolean): Promise<VersionRecord> {
  const trained = await train({
    batchesDir: batches,
    topic: TOPIC,
    models: folderModels(config.paths.models),
    connection: config,
    params: PARAMS,
    parityRows: 50,
    log: () => {},
    reason,
    promote,
  })
  return trained.version
}

before(async () => {
  work = await tempDir('lifecycle-ui')
  const batches = path.join(work, 'batches')
  await mkdir(batches)
  config = loadConfig(
    { models: path.join(work, 'models'), topic: unique('lifecycle-ui-stream') },
    {
      ...process.env,
      LIVE_WINDOWS_TOPIC: unique('lifecycle-ui-windows'),
      LIVE_ALERTS_TOPIC: unique('lifecycle-ui-alerts'),
    },
  )
  // The first training serves its version ('traffic train'); the second, on one more batch, only completes its
  // own, which the registry then promotes.
  await writeBatch(batches, 0)
  first = await trainVersion(batches, 'traffic train', true)
  await writeBatch(batches, 1)
  second = await trainVersion(batches, `new rows: ${ROWS_PER_BATCH}`, false)
  registry = openRegistry(config)
  await registry.setChallenger(second.id)
  await registry.promote(second.id, 'beats the champion on the newest held-out rows')

  api = await buildApp({
    modelsDir: config.paths.models,
    corsOrigins: [],
    logger: false,
    live: { ...liveFeedOptions(config), groupId: unique('lifecycle-ui-api').replaceAll('-', '_') },
  })
  await api.listen({ host: '127.0.0.1', port: 0 })
  const apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`
  await ensureWebBuild()
  ui = await startUiServer({ host: '127.0.0.1', port: 0, apiUrl, distDir: DIST_DIR })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await ui?.close()
  await api?.close()
  await cleanUp({
    topics: [config.kafka.topic, config.live.windowsTopic, config.live.alertsTopic],
    dirs: [work],
  })
})

test('the Models page shows every version with its scores, the champion marked, and the promotion log', async () => {
  const page = await browser.context.newPage()
  const errors = consoleErrors(page)
  try {
    await page.goto(`${ui.url}/#/models`)
    const versions = page.getByTestId('versions')
    await versions.waitFor()
    const rows = versions.locator('tbody tr')
    assert.equal(await rows.count(), 2)
    // Newest first: the promoted second version, then the first.
    const [newest, oldest] = [rows.nth(0), rows.nth(1)]
    const newestText = (await newest.textContent()) ?? ''
    assert.ok(newestText.startsWith(`${second.id}champion`), newestText)
    assert.ok(((await oldest.textContent()) ?? '').startsWith(first.id))
    assert.equal(await versions.locator('.tag-champion').count(), 1)
    assert.equal(await versions.locator('.tag-challenger').count(), 0, 'promoting the challenger cleared it')
    // Its reason, its rows (both batches) and its own held-out scores, as the registry recorded them.
    const density = second.metrics.traffic_density_model
    const peak = second.metrics.peak_hour_model
    assert.ok(density && 'r2' in density && peak && 'accuracy' in peak)
    for (const shown of [
      `new rows: ${ROWS_PER_BATCH}`,
      (2 * ROWS_PER_BATCH).toLocaleString('en'),
      density.r2.toFixed(4),
      peak.accuracy.toFixed(4),
    ])
      assert.ok(newestText.includes(shown), `${shown} in ${newestText}`)

    const log = page.getByTestId('promotion-log').locator('tbody tr')
    assert.equal(await log.count(), 2)
    const latest = (await log.nth(0).textContent()) ?? ''
    assert.ok(latest.includes('promoted'))
    assert.ok(latest.includes('beats the champion on the newest held-out rows'))
    assert.ok(latest.includes(`${short(first.id)} → ${short(second.id)}`))
    assert.ok(((await log.nth(1).textContent()) ?? '').includes('none →'))
    await page.getByTestId('chart-versions').locator('svg').waitFor()
    await screenshot(page, 'models-versions')
    // The long ids, reasons and the log fit their cards (or scroll inside them) on a phone too.
    assert.deepEqual(await whatDoesNotFit(page, 390), [], 'at 390 px')
    await screenshot(page, 'models-versions-390')
  } finally {
    await page.close()
  }
  assert.deepEqual(errors, [])
})

/** Waits until the live error chart draws a label (the markLine's) with this text. */
const marked = (page: Page, label: string) =>
  page.getByTestId('chart-live-error').locator('svg text', { hasText: label }).waitFor()

test('the Live page marks a rollback and a promotion on the live error chart at their time', async () => {
  const page = await browser.context.newPage()
  const errors = consoleErrors(page)
  const producer = clients.producer(unique('lifecycle-ui-rows'))
  try {
    await page.goto(`${ui.url}/#/live`)
    await page.getByTestId('live-status').getByText('Kafka: up').waitFor()
    // Real rows on the stream: the API scores them, and the chart gets points of live error.
    await producer.send({
      messages: Array.from({ length: 300 }, () => ({
        topic: config.kafka.topic,
        value: encodeJsonMessage(next()),
      })),
    })
    await page.waitForFunction(
      (selector) => document.querySelectorAll(selector).length > 0,
      '[data-testid="chart-live-error"] svg path[d^="M1 0A1 1 0 1 1"]',
    )
    // The promotion before the page opened is not on the chart, which starts at the page's first sample.
    const chart = page.getByTestId('chart-live-error')
    assert.equal(await chart.locator('svg text', { hasText: 'promoted' }).count(), 0)
    const rolledBack = await registry.rollback('the newest version misbehaves on live rows')
    assert.equal(rolledBack.to, first.id)
    await marked(page, `rolled back to ${short(first.id)}`)
    await registry.promote(second.id, 'fixed: promote it again')
    await marked(page, `promoted ${short(second.id)}`)
    assert.equal(await chart.locator('svg text', { hasText: 'rolled back to' }).count(), 1)
    await screenshot(page, 'live-promotions')
  } finally {
    await producer.close()
    await page.close()
  }
  assert.deepEqual(errors, [])
})
