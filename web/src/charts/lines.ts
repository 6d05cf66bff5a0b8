// What the line charts share: axes, the grid and a line series with its points drawn.
import { COLORS } from './options.ts'

export const timeAxis = {
  type: 'time' as const,
  axisLabel: { color: COLORS.muted, hideOverlap: true },
  splitLine: { show: false },
}

/** Room on the right for half a time label: one can sit at the axis' end, which containLabel misses. */
export const grid = (top: number) => ({ left: 8, right: 32, top, bottom: 8, containLabel: true })

export const valueAxis = (name: string) => ({
  type: 'value' as const,
  name,
  nameTextStyle: { color: COLORS.muted, align: 'left' as const },
  axisLabel: { color: COLORS.muted },
  splitLine: { lineStyle: { color: COLORS.grid } },
})

/** Points as [x, y]: x a time in ms on a time axis, a category on a category axis. */
export const line = (name: string, data: [number | string, number][], color: string) => ({
  type: 'line' as const,
  name,
  data,
  symbol: 'circle',
  symbolSize: 6,
  showSymbol: true,
  animation: false,
  lineStyle: { width: 2, color },
  itemStyle: { color },
})
