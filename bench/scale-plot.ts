// The cost-per-row plot of bench:scale as a standalone SVG: microseconds per row against rows, both on log scales
// (the stages' costs differ by orders of magnitude), one line per stage. A flat line is a stage whose cost grows no
// faster than the rows.

export interface PlotSeries {
  label: string
  /** [rows, microseconds per row], in increasing rows. */
  points: readonly (readonly [number, number])[]
}

const WIDTH = 640
const HEIGHT = 360
const MARGIN = { left: 64, right: 150, top: 32, bottom: 48 }
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd']

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function costPerRowSvg(title: string, series: readonly PlotSeries[]): string {
  const all = series.flatMap((line) => line.points)
  const rows = all.map(([x]) => x)
  const [minX, maxX] = [Math.min(...rows), Math.max(...rows)]
  const costs = all.map(([, cost]) => Math.max(cost, 1))
  const [lowY, highY] = [
    Math.floor(Math.log10(Math.min(...costs))),
    Math.ceil(Math.log10(Math.max(...costs))) || 1,
  ]
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom
  const spanX = Math.log(maxX / minX) || 1
  const x = (value: number) =>
    MARGIN.left + (minX === maxX ? plotWidth / 2 : (plotWidth * Math.log(value / minX)) / spanX)
  const y = (value: number) =>
    MARGIN.top + plotHeight * (1 - (Math.log10(Math.max(value, 1)) - lowY) / (highY - lowY || 1))
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="20" font-size="14">${escapeXml(title)}</text>`,
  ]
  for (let power = lowY; power <= highY; power++) {
    const tick = 10 ** power
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(tick)}" y2="${y(tick)}" stroke="#ddd"/>`,
      `<text x="${MARGIN.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    )
  }
  for (const value of [...new Set(rows)]) {
    parts.push(
      `<text x="${x(value)}" y="${MARGIN.top + plotHeight + 18}" text-anchor="middle">${value / 1e6} M</text>`,
    )
  }
  parts.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">rows (log scale)</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">µs per row (log scale)</text>`,
  )
  series.forEach((line, i) => {
    const colour = COLOURS[i % COLOURS.length]
    const path = line.points.map(([px, py]) => `${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(' ')
    parts.push(`<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2"/>`)
    for (const [px, py] of line.points) {
      parts.push(`<circle cx="${x(px).toFixed(1)}" cy="${y(py).toFixed(1)}" r="3" fill="${colour}"/>`)
    }
    const legendY = MARGIN.top + 16 + i * 18
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 16}" x2="${WIDTH - MARGIN.right + 36}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${colour}" stroke-width="2"/>`,
      `<text x="${WIDTH - MARGIN.right + 42}" y="${legendY}">${escapeXml(line.label)}</text>`,
    )
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}
