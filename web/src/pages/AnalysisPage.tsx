// Traffic analysis from analytics.json: density by city and hour, by weather, by vehicle, peak vs off-peak.
import { useMemo } from 'react'
import type { TrafficAnalytics } from '../api/reports.ts'
import { barChart, COLORS, heatmapChart } from '../charts/options.ts'
import { ChartCard } from '../components/ChartCard.tsx'
import { type Column, RowsTable } from '../components/RowsTable.tsx'
import type { ApiStatus } from '../status.ts'
import type { Loaded } from '../useLoad.ts'

interface AnalysisPageProps {
  status: ApiStatus
  analytics: Loaded<TrafficAnalytics>
}

function peakShare(analytics: TrafficAnalytics): string {
  const peak = analytics.byPeakHour.find((g) => g.isPeakHour === 1)?.rows ?? 0
  return `Peak hours hold ${peak.toLocaleString('en')} rows, ${((100 * peak) / analytics.rows).toFixed(1)} % of all.`
}

type CityRow = TrafficAnalytics['byCity'][number]

function cityColumns(allRows: number): Column<CityRow>[] {
  return [
    { header: 'City', cell: (c) => c.city },
    { header: 'Rows', cell: (c) => c.rows.toLocaleString('en') },
    { header: 'Share', cell: (c) => `${((100 * c.rows) / allRows).toFixed(1)} %` },
    { header: 'Mean traffic density', cell: (c) => c.meanDensity.toFixed(3) },
  ]
}

function Charts({ analytics }: { analytics: TrafficAnalytics }) {
  const options = useMemo(() => {
    const cities = [...new Set(analytics.byCityHour.map((c) => c.city))].sort()
    const hours = [...new Set(analytics.byCityHour.map((c) => c.hour))].sort((a, b) => a - b)
    const cells = analytics.byCityHour.map(
      (c) => [hours.indexOf(c.hour), cities.indexOf(c.city), c.meanDensity] as [number, number, number],
    )
    const bars = (groups: { key: string; meanDensity: number }[], colors?: string[]) =>
      barChart({
        categories: groups.map((g) => g.key),
        values: groups.map((g) => g.meanDensity),
        digits: 3,
        horizontal: true,
        colors,
      })
    return {
      heatmap: heatmapChart(cities, hours, cells),
      weather: bars(analytics.byWeather.map((g) => ({ ...g, key: g.weather }))),
      vehicle: bars(analytics.byVehicleType.map((g) => ({ ...g, key: g.vehicleType }))),
      peak: bars(
        analytics.byPeakHour.map((g) => ({
          ...g,
          key: g.isPeakHour === 1 ? 'Peak hours' : 'Off-peak hours',
        })),
        analytics.byPeakHour.map((g) => (g.isPeakHour === 1 ? COLORS.high : COLORS.muted)),
      ),
    }
  }, [analytics])
  return (
    <>
      <ChartCard
        title="Mean traffic density by city and hour of day"
        option={options.heatmap}
        height={340}
        label="Heatmap of mean traffic density, city by hour"
        testId="chart-heatmap"
      />
      <div className="grid-3">
        <ChartCard
          title="By weather"
          option={options.weather}
          height={260}
          label="Mean traffic density by weather"
          testId="chart-weather"
        />
        <ChartCard
          title="By vehicle type"
          option={options.vehicle}
          height={260}
          label="Mean traffic density by vehicle type"
          testId="chart-vehicle"
        />
        <ChartCard
          title="Peak vs off-peak hours"
          option={options.peak}
          height={260}
          label="Mean traffic density at peak and off-peak hours"
          testId="chart-peak"
        >
          <p className="muted small">{peakShare(analytics)}</p>
        </ChartCard>
      </div>
      <div className="card">
        <h2>Rows per city</h2>
        <RowsTable
          columns={cityColumns(analytics.rows)}
          rows={analytics.byCity}
          rowKey={(c) => c.city}
          testId="rows-per-city"
        />
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
