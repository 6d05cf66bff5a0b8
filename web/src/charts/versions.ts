// ECharts options of the model lifecycle: each version's held-out scores, and the live error with the promotions
// and rollbacks marked at their time.
import type { LogEntry, ThroughputSample, VersionRecord } from '../api/contract.ts'
import { championChanges, changeLabel, HEADLINES, shortId } from '../versions.ts'
import type { ChartOption } from './echarts.ts'
import { grid, line, timeAxis, valueAxis } from './lines.ts'
import { COLORS } from './options.ts'

const legend = { top: 0, textStyle: { color: COLORS.ink } }
const fixed = (digits: number) => (value: unknown) => (typeof value === 'number' ? value.toFixed(digits) : '')

const markLines = (data: { at: number | string; label: string }[]) => ({
  silent: true,
  symbol: 'none',
  animation: false,
  lineStyle: { color: COLORS.ink, type: 'dashed' as const },
  label: { color: COLORS.ink, position: 'insideEndTop' as const },
  data: data.map((mark) => ({ xAxis: mark.at, label: { formatter: mark.label } })),
})

/** Each model's headline score per version, oldest first, the champion marked. */
export function versionScoresChart(versions: readonly VersionRecord[], champion: string | null): ChartOption {
  const oldestFirst = [...versions].reverse()
  return {
    grid: grid(48),
    legend,
    tooltip: { trigger: 'axis', valueFormatter: fixed(4) },
    xAxis: {
      type: 'category',
      data: oldestFirst.map((version) => shortId(version.id)),
      axisLabel: { color: COLORS.muted, hideOverlap: true },
    },
    yAxis: { ...valueAxis('held-out score'), scale: true },
    series: HEADLINES.map((headline, i) => ({
      ...line(
        headline.label,
        oldestFirst.flatMap((version) => {
          const metrics = version.metrics[headline.model.folder]
          return metrics ? [[shortId(version.id), headline.value(metrics)] as [string, number]] : []
        }),
        headline.color,
      ),
      ...(i === 0 && champion ? { markLine: markLines([{ at: shortId(champion), label: 'champion' }]) } : {}),
    })),
  }
}

/**
 * Each model's live error over its held-out error along wall-clock time (1: as good as on held-out rows), with a
 * dashed line at every promotion and rollback since the first sample.
 */
export function liveErrorChart(samples: readonly ThroughputSample[], log: readonly LogEntry[]): ChartOption {
  const since = samples[0] ? Date.parse(samples[0].time) : Number.POSITIVE_INFINITY
  const marks = championChanges(log)
    .map((entry) => ({ at: Date.parse(entry.at), label: changeLabel(entry) }))
    .filter((mark) => mark.at >= since)
  return {
    grid: grid(48),
    legend,
    tooltip: { trigger: 'axis', valueFormatter: fixed(2) },
    xAxis: timeAxis,
    yAxis: valueAxis('live ÷ held-out error'),
    // Only the models that have a live error (the classifier has no MAE): no empty entry in the legend.
    series: HEADLINES.flatMap((headline) => {
      const points = samples.flatMap((sample) => {
        const ratio = sample.error_ratios[headline.model.id]
        return ratio === undefined ? [] : [[Date.parse(sample.time), ratio] as [number, number]]
      })
      return points.length ? [line(headline.model.title, points, headline.color)] : []
    }).map((series, i) => (i === 0 ? { ...series, markLine: markLines(marks) } : series)),
  }
}
