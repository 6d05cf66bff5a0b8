// Traffic analysis from analytics.json: density by city and hour, by weather, by vehicle, peak vs off-peak.
import { useMemo } from 'react'
import type { TrafficAnalytics } from '../api/reports.ts'
import { barChart, COLORS, heatmapChart } from '../charts/options.ts'
import { Chart } from '../components/Chart.tsx'
import type { ApiStatus } from '../status.ts'
import type { Loaded } from '../useLoad.ts'

interface AnalysisPageProps {
  status: ApiStatus
  analytics: Loaded<TrafficAnalytics>
}

function Charts({ analytics }: { analytics: TrafficAnalytics }) {
  const options = useMemo(() => {
    const cities = [...new Set(analytics.cityHour.map((c) => c.city))].sort()
    const hours = [...new Set(analytics.cityHour.map((c) => c.hour))].sort((a, b) => a - b)
    const cells = analytics.cityHour.map(
      (c) => [hours.indexOf(c.hour), cities.indexOf(c.city), c.mean] as [number, number, number],
    )
    const bars = (groups: TrafficAnalytics['byWeather'], colors?: string[]) =>
      barChart({ categories: groups.map((g) => g.key), values: groups.map((g) => g.mean), digits: 3, colors })
    return {
      heatmap: heatmapChart(cities, hours, cells),
      weather: bars(analytics.byWeather),
      vehicle: bars(analytics.byVehicle),
      peak: bars(analytics.byPeak, [COLORS.high, COLORS.muted]),
    }
  }, [analytics])
  return (
    <>
      <div className="card">
        <h2>Mean traffic density by city and hour of day</h2>
        <Chart
          option={options.heatmap}
          height={340}
          label="Heatmap of mean traffic density, city by hour"
          testId="chart-heatmap"
        />
      </div>
      <div className="grid-3">
        <div className="card">
          <h2>By weather</h2>
          <Chart
            option={options.weather}
            height={260}
            label="Mean traffic density by weather"
            testId="chart-weather"
          />
        </div>
        <div className="card">
          <h2>By vehicle type</h2>
          <Chart
            option={options.vehicle}
            height={260}
            label="Mean traffic density by vehicle type"
            testId="chart-vehicle"
          />
        </div>
        <div className="card">
          <h2>Peak vs off-peak hours</h2>
          <Chart
            option={options.peak}
            height={260}
            label="Mean traffic density at peak and off-peak hours"
            testId="chart-peak"
          />
        </div>
      </div>
    </>
  )
}

export function AnalysisPage({ status, analytics }: AnalysisPageProps) {
  return (
    <section className="page" aria-labelledby="analysis-title">
      <h1 id="analysis-title">Traffic analysis</h1>
      {analytics.data && (
        <p className="lead">
          Computed with Spark SQL over the {analytics.data.rows.toLocaleString('en')} rows of the batch files.
        </p>
      )}
      {status.state !== 'up' && !analytics.data && <p className="placeholder">Waiting for the API…</p>}
      {analytics.error && (
        <p className="error" role="alert">
          Could not load the analysis: {analytics.error.message}
        </p>
      )}
      {analytics.data && <Charts analytics={analytics.data} />}
    </section>
  )
}
