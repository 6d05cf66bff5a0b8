// A card holding one chart: its title, an optional muted note beside the title, the chart, then anything below
// it (a table, a caption). The pages' chart cards all have this shape.
import type { ReactNode } from 'react'
import { Chart, type ChartProps } from './Chart.tsx'

interface ChartCardProps extends ChartProps {
  title: ReactNode
  note?: ReactNode
  children?: ReactNode
}

export function ChartCard({ title, note, children, ...chart }: ChartCardProps) {
  return (
    <div className="card">
      <h2>
        {title}
        {note ? (
          <>
            {' '}
            <span className="muted">{note}</span>
          </>
        ) : null}
      </h2>
      <Chart {...chart} />
      {children}
    </div>
  )
}
