// Predicted energy consumption, placed in the distribution of the energy recorded in the data.
import { useMemo } from 'react'
import type { TrafficAnalytics } from '../../api/reports.ts'
import { distributionChart, type HistogramBin } from '../../charts/options.ts'
import { Chart } from '../Chart.tsx'

/** Share of the recorded values below `value`, counting a bin's rows as spread evenly across it. */
function shareBelow(bins: HistogramBin[], value: number): number {
  const total = bins.reduce((sum, bin) => sum + bin.rows, 0)
  const below = bins.reduce((sum, bin) => {
    if (value >= bin.to) return sum + bin.rows
    if (value <= bin.from) return sum
    return sum + (bin.rows * (value - bin.from)) / (bin.to - bin.from)
  }, 0)
  return total ? below / total : 0
}

export function EnergyResult({ value, analytics }: { value: number; analytics?: TrafficAnalytics }) {
  const bins = analytics?.energyHistogram
  const option = useMemo(() => (bins ? distributionChart(bins, value, 2) : undefined), [bins, value])
  return (
    <div className="result">
      <p className="result-line">
        Predicted energy consumption{' '}
        <strong className="result-value" data-testid="prediction">
          {value.toFixed(4)}
        </strong>
      </p>
      {bins && option ? (
        <>
          <p className="muted" data-testid="energy-share">
            Higher than {(shareBelow(bins, value) * 100).toFixed(0)} % of the energy values in the data.
          </p>
          <Chart
            option={option}
            height={160}
            label="Histogram of recorded energy consumption, prediction marked"
          />
        </>
      ) : (
        <p className="muted">The energy distribution appears here once the analytics are available.</p>
      )}
    </div>
  )
}
