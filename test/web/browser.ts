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

/**
 * What sticks out of a card (`.card`) on the page or is cut by a box inside it, one line per outermost such
 * element. An element must lie within the card's box and within every box between them that hides its overflow
 * (an SVG does); inside a box that scrolls sideways (overflow-x auto or scroll) the reader can scroll to it.
 */
function outsideTheirCards(page: Page): Promise<string[]> {
  // No named functions in here: tsx would wrap them in a helper the page does not have.
  return page.evaluate(() => {
    const problems: string[] = []
    for (const card of document.querySelectorAll('.card')) {
      const title = card.querySelector('h2')?.textContent?.trim() ?? card.className
      const reported = new Set<Element>()
      for (const element of card.querySelectorAll('*')) {
        const inner = element.getBoundingClientRect()
        if (inner.width === 0 || inner.height === 0) continue
        let { left, right } = card.getBoundingClientRect()
        let scrolls = false
        let inReported = false
        for (let parent = element.parentElement; parent && parent !== card; parent = parent.parentElement) {
          const overflow = getComputedStyle(parent).overflowX
          scrolls ||= overflow === 'auto' || overflow === 'scroll'
          inReported ||= reported.has(parent)
          if (overflow === 'hidden' || overflow === 'clip') {
            const clip = parent.getBoundingClientRect()
            left = Math.max(left, clip.left)
            right = Math.min(right, clip.right)
          }
        }
        // Half a pixel of slack for subpixel layout.
        if (scrolls || inReported || (inner.left >= left - 0.5 && inner.right <= right + 0.5)) continue
        reported.add(element)
        const id = element.getAttribute('data-testid')
        const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 40)
        problems.push(
          `${title}: <${element.tagName.toLowerCase()}${id ? ` data-testid="${id}"` : ''}> “${text}” spans ` +
            `x ${Math.round(inner.left)}–${Math.round(inner.right)}, its room ${Math.round(left)}–${Math.round(right)}`,
        )
      }
    }
    return problems
  })
}

/**
 * The page at `width` px: waits for the charts to redraw at their new size, then says what does not fit — what
 * sticks out of its card (outsideTheirCards) and the page itself scrolling sideways.
 */
export async function whatDoesNotFit(page: Page, width: number): Promise<string[]> {
  await page.setViewportSize({ width, height: 900 })
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.chart')].every((chart) => {
      const svg = chart.querySelector('svg')
      return !svg || Math.abs(svg.getBoundingClientRect().width - chart.getBoundingClientRect().width) < 1
    }),
  )
  const wider = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
  return [
    ...(wider > 0 ? [`the page is ${wider} px wider than the window`] : []),
    ...(await outsideTheirCards(page)),
  ]
}
