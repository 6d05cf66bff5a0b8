// ECharts options of the Live page, as pure functions of what the live feed holds.
import type { LiveWindow, ThroughputSample } from '../api/contract.ts'
import type { ChartOption } from './echarts.ts'
import { grid, line, timeAxis, valueAxis } from './lines.ts'
import { COLORS } from './options.ts'

/** One colour per city, in the order of the sorted city names. */
const CITY_COLORS = ['#2563eb', '#d64545', '#2f9e5b', '#e0a526', '#7c3aed', '#0891b2', '#db2777', '#4b5563']

/** Mean density of each city's last windows, one line per city along simulated time. */
export function liveDensityChart(windows: LiveWindow[]): ChartOption {
  const cities = [...new Set(windows.map((w) => w.city))].sort()
  return {
    grid: grid(48),
    legend: { top: 0, textStyle: { color: COLORS.ink } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(3) : '') },
    xAxis: timeAxis,
    yAxis: valueAxis('mean density'),
    series: cities.map((city, i) =>
      line(
        city,
        windows
          .filter((w) => w.city === city)
          .map((w) => [Date.parse(w.window_start), w.mean_traffic_density]),
        CITY_COLORS[i % CITY_COLORS.length] as string,
      ),
    ),
  }
}

/** Rows per second produced to the stream and read by the API, along wall-clock time. */
export function throughputChart(samples: ThroughputSample[]): ChartOption {
  const at = (s: ThroughputSample) => Date.parse(s.time)
  return {
    grid: grid(48),
    legend: { top: 0, textStyle: { color: COLORS.ink } },
    tooltip: { trigger: 'axis', valueFormatter: (v) => (typeof v === 'number' ? v.toFixed(0) : '') },
    xAxis: timeAxis,
    yAxis: valueAxis('rows/s'),
    series: [
      line(
        'produced',
        samples.map((s) => [at(s), s.produce_rows_per_s]),
        COLORS.accent,
      ),
      line(
        'consumed by the API',
        samples.map((s) => [at(s), s.consume_rows_per_s]),
        COLORS.low,
      ),
    ],
  }
}

/** Total lag of the consumer groups on the stream, along wall-clock time. */
export function lagChart(samples: ThroughputSample[]): ChartOption {
  return {
    grid: grid(32),
    tooltip: { trigger: 'axis' },
    xAxis: timeAxis,
    yAxis: valueAxis('messages behind'),
    series: [
      line(
        'lag',
        samples.map((s) => [Date.parse(s.time), s.lag]),
        COLORS.high,
      ),
    ],
  }
}
