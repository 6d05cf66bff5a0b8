// Predicted traffic density on a gauge with the density bands, and the city's typical range inside it.
import { useMemo } from 'react'
import type { TrafficAnalytics } from '../../api/reports.ts'
import { typicalDensity } from '../../api/reports.ts'
import { DENSITY_BANDS, densityBand, densityGauge } from '../../charts/options.ts'
import { Chart } from '../Chart.tsx'

interface DensityResultProps {
  value: number
  city: string
  analytics?: TrafficAnalytics
}

export function DensityResult({ value, city, analytics }: DensityResultProps) {
  const typical = useMemo(() => (analytics ? typicalDensity(analytics, city) : undefined), [analytics, city])
  const option = useMemo(() => densityGauge(value, typical), [value, typical])
  const band = densityBand(value)
  return (
    <div className="result">
      <p className="result-line">
        Predicted traffic density{' '}
        <strong className="result-value" data-testid="prediction">
          {value.toFixed(4)}
        </strong>{' '}
        <span className="tag" style={{ background: band.color }}>
          {band.label}
        </span>
      </p>
      <Chart
        option={option}
        height={250}
        label={`Gauge: traffic density ${value.toFixed(4)}, ${band.label}`}
        testId="density-gauge"
      />
      <ul className="legend">
        {DENSITY_BANDS.map((b, i) => (
          <li key={b.label}>
            <span className="swatch" style={{ background: b.color }} aria-hidden="true" />
            {b.label}{' '}
            {i === 0
              ? `≤ ${b.upTo}`
              : i === 1
                ? `${DENSITY_BANDS[0].upTo}–${b.upTo}`
                : `> ${DENSITY_BANDS[1].upTo}`}
          </li>
        ))}
        {typical && (
          <li data-testid="typical-range">
            <span className="swatch swatch-line" aria-hidden="true" />
            typical in {city}: {typical.low.toFixed(2)}–{typical.high.toFixed(2)} (hourly means)
          </li>
        )}
      </ul>
    </div>
  )
}
