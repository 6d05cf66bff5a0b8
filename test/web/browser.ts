// Debian's Chromium driven by playwright-core (never a downloaded browser), with a fresh profile per run,
// plus what every browser test needs: console error capture and screenshots kept as artifacts.
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const SCREENSHOTS = path.resolve('test-artifacts', 'screenshots')

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

export interface Browser {
  context: BrowserContext
  close(): Promise<void>
}

export async function launchBrowser(): Promise<Browser> {
  assert.ok(
    existsSync(CHROMIUM),
    `the browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`,
  )
  const profile = await mkdtemp(path.join(tmpdir(), 'ui-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1366, height: 800 },
    // Charts drawn at once: screenshots and mark counts do not depend on animation timing.
    reducedMotion: 'reduce',
  })
  await mkdir(SCREENSHOTS, { recursive: true })
  return {
    context,
    close: async () => {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}

/** Every console error and uncaught exception of a page, as text. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', (error) => errors.push(`uncaught: ${error.message}`))
  return errors
}

export async function screenshot(target: Page | Locator, name: string): Promise<string> {
  const file = path.join(SCREENSHOTS, `${name}.png`)
  if ('goto' in target) await target.screenshot({ path: file, fullPage: true })
  else await target.screenshot({ path: file })
  return file
}

/** How many visible SVG paths of a chart are filled with `fill` (a colour, or a prefix such as `rgb(`). */
export function countFilledPaths(chart: Locator, fill: string, shape?: string): Promise<number> {
  return chart
    .locator('svg')
    .evaluate(
      (svg, [fill, shape]) =>
        [...svg.querySelectorAll('path')].filter(
          (p) =>
            (p.getAttribute('fill') ?? '').startsWith(fill) &&
            p.getAttribute('fill-opacity') !== '0' &&
            (!shape || p.getAttribute('d')?.startsWith(shape)),
        ).length,
      [fill, shape ?? ''] as const,
    )
}
