// ECharts options for every chart the UI draws, as pure functions of the data.
import type { ChartOption } from './echarts.ts'

export const COLORS = {
  low: '#2f9e5b',
  medium: '#e0a526',
  high: '#d64545',
  accent: '#2563eb',
  muted: '#6b7280',
  ink: '#1f2937',
  grid: '#e5e7eb',
}

/** Traffic density bands of the data profile: about a third of the rows in each. */
export const DENSITY_BANDS = [
  { label: 'low', upTo: 0.15, color: COLORS.low },
  { label: 'medium', upTo: 0.3, color: COLORS.medium },
  { label: 'high', upTo: Number.POSITIVE_INFINITY, color: COLORS.high },
] as const

export function densityBand(value: number) {
  return DENSITY_BANDS.find((band) => value <= band.upTo) ?? DENSITY_BANDS[2]
}

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches

const fixed = (digits: number) => (value: unknown) => (typeof value === 'number' ? value.toFixed(digits) : '')

const TRANSPARENT = 'rgba(0,0,0,0)'

/** A half-ring gauge with the density bands on its rim and, inside, an arc over the city's typical range. */
export function densityGauge(value: number, typical?: { low: number; high: number }): ChartOption {
  const max = Math.max(1, Math.ceil(value * 10) / 10)
  const arc = { min: 0, max, startAngle: 200, endAngle: -20, center: ['50%', '60%'] }
  const bare = { axisTick: { show: false }, splitLine: { show: false }, axisLabel: { show: false } }
  return {
    animation: !reducedMotion(),
    series: [
      {
        type: 'gauge',
        ...arc,
        radius: '100%',
        splitNumber: 5,
        axisLine: {
          lineStyle: {
            width: 16,
            color: DENSITY_BANDS.map((band) => [Math.min(band.upTo, max) / max, band.color]),
          },
        },
        axisTick: { distance: -16, length: 5, lineStyle: { color: '#fff' } },
        splitLine: { distance: -16, length: 16, lineStyle: { color: '#fff', width: 2 } },
        axisLabel: { distance: 22, color: COLORS.muted, formatter: fixed(1) },
        pointer: { width: 5, length: '68%', itemStyle: { color: COLORS.ink } },
        anchor: { show: true, size: 10, itemStyle: { color: COLORS.ink } },
        title: { show: false },
        detail: { formatter: fixed(4), fontSize: 22, color: COLORS.ink, offsetCenter: [0, '38%'] },
        data: [{ value }],
      },
      ...(typical
        ? [
            {
              type: 'gauge' as const,
              ...arc,
              radius: '58%',
              axisLine: {
                lineStyle: {
                  width: 6,
                  color: [
                    [typical.low / max, TRANSPARENT],
                    [typical.high / max, COLORS.accent],
                    [1, TRANSPARENT],
                  ] as [number, string][],
                },
              },
              ...bare,
              pointer: { show: false },
              title: { show: false },
              detail: { show: false },
              data: [],
            },
          ]
        : []),
    ],
  }
}

interface WhatIfOptions {
  values: number[]
  selectedHour: number
  name: string
  digits: number
  yMax?: number
}

/** The prediction at each hour of the day, with the hour in the form marked. */
export function whatIfChart({ values, selectedHour, name, digits, yMax }: WhatIfOptions): ChartOption {
  return {
    animation: !reducedMotion(),
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: fixed(digits) },
    xAxis: {
      type: 'category',
      data: values.map((_, hour) => `${hour} h`),
      boundaryGap: false,
      axisLabel: { interval: 2, color: COLORS.muted },
    },
    yAxis: {
      type: 'value',
      min: 0,
      max: yMax,
      name,
      nameLocation: 'end',
      nameTextStyle: { color: COLORS.muted, align: 'left' },
      axisLabel: { color: COLORS.muted },
      splitLine: { lineStyle: { color: COLORS.grid } },
    },
    series: [
      {
        type: 'line',
        name,
        data: values,
        symbol: 'circle',
        symbolSize: 7,
        showSymbol: true,
        showAllSymbol: true,
        lineStyle: { width: 2, color: COLORS.accent },
        itemStyle: { color: COLORS.accent },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: COLORS.ink, type: 'dashed' },
          label: { formatter: 'in the form', color: COLORS.ink },
          data: [{ xAxis: `${selectedHour} h` }],
        },
      },
    ],
  }
}

interface BarOptions {
  categories: string[]
  values: number[]
  digits: number
  /** Bars along the vertical axis: long category names stay readable. */
  horizontal?: boolean
  colors?: string[]
}

export function barChart({ categories, values, digits, horizontal, colors }: BarOptions): ChartOption {
  const categoryAxis = {
    type: 'category' as const,
    data: categories,
    inverse: horizontal,
    axisLabel: { color: COLORS.ink, interval: 0 },
  }
  const valueAxis = {
    type: 'value' as const,
    axisLabel: { color: COLORS.muted, hideOverlap: true },
    splitLine: { lineStyle: { color: COLORS.grid } },
  }
  return {
    animation: !reducedMotion(),
    grid: { left: 8, right: 48, top: 16, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', valueFormatter: fixed(digits) },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: [
      {
        type: 'bar',
        data: values.map((value, i) => ({
          value,
          itemStyle: { color: colors?.[i % colors.length] ?? COLORS.accent },
        })),
        barMaxWidth: 36,
        label: {
          show: true,
          position: horizontal ? 'right' : 'top',
          formatter: (p) => fixed(digits)(p.value),
        },
      },
    ],
  }
}

/** Mean traffic density per city (rows) and hour (columns). */
export function heatmapChart(
  cities: string[],
  hours: number[],
  cells: [number, number, number][],
): ChartOption {
  const values = cells.map((cell) => cell[2])
  const [min, max] = [Math.min(...values), Math.max(...values)]
  return {
    animation: !reducedMotion(),
    grid: { left: 8, right: 8, top: 8, bottom: 64, containLabel: true },
    tooltip: {
      formatter: (p) => {
        const [hour, city, value] = (p as unknown as { value: [number, number, number] }).value
        return `${cities[city]}, ${hours[hour]} h: ${value.toFixed(3)}`
      },
    },
    xAxis: {
      type: 'category',
      data: hours.map(String),
      name: 'hour of day',
      nameLocation: 'middle',
      nameGap: 26,
      axisLabel: { color: COLORS.muted },
    },
    yAxis: { type: 'category', data: cities, inverse: true, axisLabel: { color: COLORS.ink } },
    visualMap: {
      min,
      max,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      // Short enough that the bar and both labels fit a phone's width.
      itemHeight: 140,
      itemWidth: 12,
      text: [`${max.toFixed(2)} denser`, `lighter ${min.toFixed(2)}`],
      textStyle: { color: COLORS.muted },
      inRange: { color: ['#f0f7ff', '#93c5fd', '#2563eb', '#1e3a8a'] },
    },
    series: [
      { type: 'heatmap', data: cells, emphasis: { itemStyle: { borderColor: COLORS.ink, borderWidth: 1 } } },
    ],
  }
}

export interface HistogramBin {
  from: number
  to: number
  rows: number
}

/** A distribution as a histogram, with one value marked on it. */
export function distributionChart(bins: HistogramBin[], marked: number, digits: number): ChartOption {
  return {
    animation: !reducedMotion(),
    grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis' },
    xAxis: { type: 'value', min: bins[0]?.from, max: bins.at(-1)?.to, axisLabel: { color: COLORS.muted } },
    yAxis: { type: 'value', show: false },
    series: [
      {
        type: 'bar',
        barWidth: '100%',
        data: bins.map((bin) => [(bin.from + bin.to) / 2, bin.rows]),
        itemStyle: { color: '#c7d2fe' },
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: COLORS.ink, width: 2 },
          label: { formatter: `prediction ${marked.toFixed(digits)}`, color: COLORS.ink },
          data: [{ xAxis: marked }],
        },
      },
    ],
  }
}
