// The web UI in Debian's Chromium against the real API serving real Spark-trained models: forms, predictions
// equal to the API's own answers, the what-if charts, the models and analysis pages, field errors, keyboard
// use, the served learners named as /models names them, every card holding its content at a wide and a narrow
// window, and the API going away. Screenshots land in test-artifacts/screenshots/.
import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, test } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { buildApp } from '../../src/api/app.ts'
import { API_PATHS } from '../../src/api/endpoints.ts'
import { SEED_EXAMPLES } from '../../src/api/seed-examples.ts'
import { DIST_DIR, ensureWebBuild } from '../../src/ui/build.ts'
import { startUiServer, type UiServer } from '../../src/ui/server.ts'
import { trainedModels } from '../fixtures/models.ts'
import {
  type Browser,
  consoleErrors,
  countFilledPaths,
  launchBrowser,
  screenshot,
  whatDoesNotFit,
} from './browser.ts'

// Colours the charts draw data marks in (web/src/charts/options.ts), to count those marks in the SVG.
const ACCENT = '#2563eb'
const CIRCLE = 'M1 0A1 1 0 1 1'

let api: FastifyInstance
let apiStopped = false
let apiUrl: string
let ui: UiServer
let browser: Browser

before(async () => {
  api = await buildApp({ modelsDir: await trainedModels(), corsOrigins: [], logger: false })
  await api.listen({ host: '127.0.0.1', port: 0 })
  apiUrl = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`
  await ensureWebBuild()
  ui = await startUiServer({ host: '127.0.0.1', port: 0, apiUrl, distDir: DIST_DIR })
  browser = await launchBrowser()
})

after(async () => {
  await browser?.close()
  await ui?.close()
  if (!apiStopped) await api?.close()
})

/** A page on the UI, and at the end of the test: no console errors but the ones the test expects. */
async function withPage(hash: string, run: (page: Page) => Promise<void>, expected: RegExp[] = []) {
  const page = await browser.context.newPage()
  const errors = consoleErrors(page)
  try {
    await page.goto(`${ui.url}/#/${hash}`)
    await run(page)
  } finally {
    await page.close()
  }
  assert.deepEqual(
    errors.filter((error) => !expected.some((pattern) => pattern.test(error))),
    [],
  )
}

async function apiAnswer(endpoint: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${apiUrl}${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return (await response.json()) as Record<string, unknown>
}

async function waitForApiUp(page: Page) {
  await page.getByTestId('status-pill').getByText('API: up, 3/3 models').waitFor()
}

/** Fills a panel's form the way a person does: selects, the hour slider, checkboxes, typed numbers. */
async function fill(page: Page, panelId: string, body: Record<string, string | number>) {
  const panel = page.getByTestId(`panel-${panelId}`)
  for (const [name, value] of Object.entries(body)) {
    const input = panel.getByLabel(name, { exact: true })
    const type = await input.evaluate((el) =>
      el instanceof HTMLSelectElement ? 'select' : (el as HTMLInputElement).type,
    )
    if (type === 'select') await input.selectOption(String(value))
    else if (type === 'checkbox') await input.setChecked(value === 1)
    else await input.fill(String(value))
  }
  return panel
}

/** Submits a panel and returns what the batch endpoint answered for its what-if chart. */
async function predict(page: Page, panelId: string): Promise<unknown[]> {
  const panel = page.getByTestId(`panel-${panelId}`)
  const batch = page.waitForResponse((r) => r.url().endsWith(`/api/predict/${panelId}/batch`))
  await panel.getByRole('button', { name: 'Predict' }).click()
  const answers = (await (await batch).json()) as unknown[]
  await panel.getByTestId(`whatif-${panelId}`).locator('svg').waitFor()
  return answers
}

async function assertWhatIfDraws24Points(page: Page, panelId: string) {
  const chart = page.getByTestId(`whatif-${panelId}`)
  assert.equal(await countFilledPaths(chart, ACCENT, CIRCLE), 24, 'one marker per hour')
  const line = await chart.locator('svg path[fill="none"][stroke-width="2"]').getAttribute('d')
  assert.equal(line?.match(/[ML]/g)?.length, 24, 'a line through 24 points')
}

test('the app loads with the real API and shows its three models loaded', async () => {
  await withPage('status', async (page) => {
    await waitForApiUp(page)
    const checks = page.getByTestId('status-checks')
    await checks.getByText('reachable: “API is running”').waitFor()
    for (const folder of ['traffic_density_model', 'peak_hour_model', 'energy_consumption_model']) {
      assert.match((await checks.locator('li', { hasText: folder }).textContent()) ?? '', /loaded$/)
    }
    assert.equal(await page.getByTestId('status-banner').count(), 0)
    await screenshot(page, 'status')
  })
})

test('traffic density: the gauge shows what the API answers for the same inputs, and a 24-hour what-if', async () => {
  const body = {
    City: 'MetropolisX',
    'Vehicle Type': 'Car',
    Weather: 'Rainy',
    'Economic Condition': 'Recession',
    'Day Of Week': 'Friday',
    'Hour Of Day': 17,
    Speed: 62.5,
    'Is Peak Hour': 1,
    'Random Event Occurred': 0,
    'Energy Consumption': 50.25,
  }
  await withPage('predict', async (page) => {
    await waitForApiUp(page)
    const panel = await fill(page, 'traffic_density', body)
    const whatIf = await predict(page, 'traffic_density')
    const expected = await apiAnswer(API_PATHS.predict('traffic_density'), body)
    const shown = await panel.getByTestId('prediction').textContent()
    assert.equal(Number(shown), expected.predicted_traffic_density)
    assert.equal(whatIf.length, 24)
    // Friday 17 h is a peak hour, as in the form: the what-if row for 17 h is the same input.
    assert.deepEqual(whatIf[17], expected)
    await assertWhatIfDraws24Points(page, 'traffic_density')
    await panel.getByTestId('density-gauge').locator('svg').waitFor()
    assert.match(
      (await panel.getByTestId('typical-range').textContent()) ?? '',
      /typical in MetropolisX: \d\.\d\d–\d\.\d\d/,
    )
    await screenshot(panel, 'predict-traffic-density')
  })
})

test('peak hour: the label and probability are the API answer for the same inputs', async () => {
  const body = {
    City: 'Neuroburg',
    'Vehicle Type': 'Autonomous Vehicle',
    Weather: 'Clear',
    'Economic Condition': 'Stable',
    'Day Of Week': 'Saturday',
    'Hour Of Day': 13,
    Speed: 70.1,
    'Random Event Occurred': 1,
    'Energy Consumption': 56.08,
    'Traffic Density': 0.12,
  }
  await withPage('predict', async (page) => {
    await waitForApiUp(page)
    const panel = await fill(page, 'is_peak_hour', body)
    const whatIf = await predict(page, 'is_peak_hour')
    const expected = await apiAnswer(API_PATHS.predict('is_peak_hour'), body)
    assert.equal(await panel.getByTestId('prediction').textContent(), expected.label)
    assert.equal(
      Number(await panel.getByTestId('probability').textContent()),
      expected.probability_of_predicted_class,
    )
    assert.equal(
      await panel.getByRole('meter').getAttribute('value'),
      String(expected.probability_of_predicted_class),
    )
    assert.deepEqual(whatIf[13], expected)
    await assertWhatIfDraws24Points(page, 'is_peak_hour')
    await screenshot(panel, 'predict-peak-hour')
  })
})

test('energy consumption: the value is the API answer for the same inputs', async () => {
  const body = {
    City: 'AquaCity',
    'Vehicle Type': 'Flying Car',
    Weather: 'Electromagnetic Storm',
    'Economic Condition': 'Booming',
    'Day Of Week': 'Wednesday',
    'Hour Of Day': 3,
    Speed: 101.3,
    'Is Peak Hour': 0,
    'Random Event Occurred': 0,
    'Traffic Density': 0.41,
  }
  await withPage('predict', async (page) => {
    await waitForApiUp(page)
    const panel = await fill(page, 'energy_consumption', body)
    const whatIf = await predict(page, 'energy_consumption')
    const expected = await apiAnswer(API_PATHS.predict('energy_consumption'), body)
    assert.equal(
      Number(await panel.getByTestId('prediction').textContent()),
      expected.predicted_energy_consumption,
    )
    assert.deepEqual(whatIf[3], expected)
    await assertWhatIfDraws24Points(page, 'energy_consumption')
    await screenshot(panel, 'predict-energy-consumption')
    await screenshot(page, 'predict')
  })
})

test("the API's field errors show next to the field", async () => {
  await withPage(
    'predict',
    async (page) => {
      await waitForApiUp(page)
      const panel = await fill(page, 'traffic_density', { Speed: -5, 'Energy Consumption': '' })
      await panel.getByRole('button', { name: 'Predict' }).click()
      const speed = panel.getByLabel('Speed', { exact: true })
      await panel.locator('.field-invalid').first().waitFor()
      assert.equal(await speed.getAttribute('aria-invalid'), 'true')
      // The form's defaults are the seed example: the same body with Speed -5 and no Energy Consumption.
      const { 'Energy Consumption': _, ...withoutEnergy } = SEED_EXAMPLES.traffic_density
      const answer = (await apiAnswer(API_PATHS.predict('traffic_density'), {
        ...withoutEnergy,
        Speed: -5,
      })) as { details: { field: string; message: string }[] }
      for (const field of ['Speed', 'Energy Consumption']) {
        const detail = answer.details.find((d) => d.field === field)
        assert.ok(detail, `the API names ${field}`)
        const id = await panel.getByLabel(field, { exact: true }).getAttribute('id')
        assert.equal(await panel.locator(`#${id}-error`).textContent(), detail.message)
      }
      assert.equal(
        await panel.getByTestId('form-error').textContent(),
        'The API did not accept the marked fields.',
      )
      await screenshot(panel, 'predict-field-errors')
    },
    [/Failed to load resource: the server responded with a status of 400/],
  )
})

test('a prediction can be made with the keyboard alone', async () => {
  await withPage('predict', async (page) => {
    await waitForApiUp(page)
    const panel = page.getByTestId('panel-energy_consumption')
    await panel.getByLabel('City', { exact: true }).focus()
    await page.keyboard.press('ArrowUp') // TechHaven → SolarisVille
    for (let i = 0; i < 5; i++) await page.keyboard.press('Tab') // … → Day Of Week → Hour Of Day slider
    await page.keyboard.press('ArrowRight') // 15 h → 16 h
    await page.keyboard.press('Tab') // Speed: tabbing in selects its text, typing replaces it
    await page.keyboard.type('95')
    const batch = page.waitForResponse((r) => r.url().endsWith('/batch'))
    await page.keyboard.press('Enter')
    await batch
    const expected = await apiAnswer(API_PATHS.predict('energy_consumption'), {
      City: 'SolarisVille',
      'Vehicle Type': 'Autonomous Vehicle',
      Weather: 'Rainy',
      'Economic Condition': 'Recession',
      'Day Of Week': 'Tuesday',
      'Hour Of Day': 16,
      Speed: 95,
      'Is Peak Hour': 1,
      'Random Event Occurred': 0,
      'Traffic Density': 0.6,
    })
    await panel.getByTestId('prediction').waitFor()
    assert.equal(
      Number(await panel.getByTestId('prediction').textContent()),
      expected.predicted_energy_consumption,
    )
  })
})

test('each Predict panel names the learner the API serves, as /models says', async () => {
  const { models, report } = (await (await fetch(`${apiUrl}${API_PATHS.models}`)).json()) as {
    models: { id: string; folder: string; stages: string[] }[]
    report: { models: Record<string, { learner: string }> }
  }
  // The fixture serves boosted trees beside forests, as the defaults do: one description does not fit all.
  assert.equal(
    new Set(models.map((card) => card.stages.at(-1)?.replace(/.*\.(GBT|RandomForest).*/, '$1'))).size,
    2,
  )
  await withPage('predict', async (page) => {
    await waitForApiUp(page)
    for (const card of models) {
      const shown = page.getByTestId(`panel-${card.id}`).getByTestId('learner')
      await shown.waitFor()
      assert.equal(await shown.textContent(), report.models[card.folder]?.learner)
    }
  })
})

test('the models page draws each model card: learner, metrics, importances, confusion matrix', async () => {
  const { report } = (await (await fetch(`${apiUrl}/models`)).json()) as {
    report: {
      models: Record<
        string,
        { learner: string; importances: { byColumn: unknown[] }; rows: { test: number } }
      >
    }
  }
  await withPage('models', async (page) => {
    for (const [id, folder] of [
      ['traffic_density', 'traffic_density_model'],
      ['is_peak_hour', 'peak_hour_model'],
      ['energy_consumption', 'energy_consumption_model'],
    ] as const) {
      const chart = page.getByTestId(`importances-${id}`)
      await chart.locator('svg').waitFor()
      const expectedBars = report.models[folder]?.importances.byColumn.length
      assert.equal(await countFilledPaths(chart, ACCENT), expectedBars, `${id}: one bar per feature`)
      const learner = await page.getByTestId(`learner-${id}`).textContent()
      assert.equal(learner, `Learner: ${report.models[folder]?.learner}`)
    }
    const matrix = page.getByTestId('confusion-matrix')
    const counts = (await matrix.locator('td').allTextContents())
      .filter(Boolean)
      .map((t) => Number(t.replace(/,/g, '')))
    assert.equal(counts.length, 4)
    assert.equal(
      counts.reduce((a, b) => a + b, 0),
      report.models.peak_hour_model?.rows.test,
    )
    await screenshot(page, 'models')
  })
})

test('the traffic analysis page draws the heatmap and the bar charts', async () => {
  const analytics = (await (await fetch(`${apiUrl}/analytics`)).json()) as {
    byCityHour: unknown[]
    byWeather: unknown[]
    byVehicleType: unknown[]
  }
  await withPage('analysis', async (page) => {
    const heatmap = page.getByTestId('chart-heatmap')
    await heatmap.locator('svg').waitFor()
    assert.equal(
      await countFilledPaths(heatmap, 'rgb('),
      analytics.byCityHour.length,
      'one cell per city and hour',
    )
    assert.equal(
      await countFilledPaths(page.getByTestId('chart-weather'), ACCENT),
      analytics.byWeather.length,
    )
    assert.equal(
      await countFilledPaths(page.getByTestId('chart-vehicle'), ACCENT),
      analytics.byVehicleType.length,
    )
    assert.equal(await page.getByTestId('chart-peak').locator('svg path[fill^="#"]').count(), 2)
    assert.equal(await page.getByTestId('rows-per-city').locator('tbody tr').count(), 6)
    await screenshot(page, 'analysis')
  })
})

/** Each page with what it draws in place: the cards are full when their content is checked. */
const PAGES: [string, (page: Page) => Promise<unknown>][] = [
  [
    'predict',
    async (page) => {
      await waitForApiUp(page)
      for (const model of ['traffic_density', 'is_peak_hour', 'energy_consumption']) {
        await page.getByTestId(`panel-${model}`).getByTestId('learner').waitFor()
        await predict(page, model)
      }
    },
  ],
  [
    'models',
    (page) =>
      Promise.all(
        ['traffic_density', 'is_peak_hour', 'energy_consumption'].map((id) =>
          page.getByTestId(`importances-${id}`).locator('svg').waitFor(),
        ),
      ),
  ],
  ['analysis', (page) => page.getByTestId('rows-per-city').waitFor()],
  ['live', (page) => page.getByTestId('live-scoring').waitFor()],
  ['status', (page) => page.getByTestId('status-checks').getByText('reachable').waitFor()],
]

test('on every page, wide and narrow, every card holds its content and the page does not scroll sideways', async () => {
  for (const width of [1400, 390]) {
    for (const [hash, drawn] of PAGES) {
      await withPage(hash, async (page) => {
        await page.setViewportSize({ width, height: 900 })
        await drawn(page)
        assert.deepEqual(await whatDoesNotFit(page, width), [], `${hash} at ${width} px`)
        await screenshot(page, `${hash}-${width}`)
      })
    }
  }
})

test('with the API stopped, the page says so and what to run instead of going blank', async () => {
  await api.close()
  apiStopped = true
  await withPage(
    'status',
    async (page) => {
      const banner = page.getByTestId('status-banner')
      await banner.waitFor()
      assert.match(
        (await banner.textContent()) ?? '',
        new RegExp(`The API at ${apiUrl} is not reachable \\(ECONNREFUSED\\).*npm start.*npx traffic serve`),
      )
      await page
        .getByTestId('status-checks')
        .getByText(/not reachable/)
        .waitFor()
      assert.equal(await page.getByTestId('status-pill').textContent(), 'API: not reachable')
      await screenshot(page, 'status-api-down')
      await page.goto(`${ui.url}/#/predict`)
      const panel = page.getByTestId('panel-traffic_density')
      await panel.getByRole('button', { name: 'Predict' }).click()
      await panel
        .getByTestId('form-error')
        .getByText(/not reachable/)
        .waitFor()
      await screenshot(page, 'predict-api-down')
    },
    [/Failed to load resource: the server responded with a status of 502/],
  )
})
