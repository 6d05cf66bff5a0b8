// A tiny React wrapper around one ECharts instance: created on mount, option replaced on change, resized
// with its box, disposed on unmount.
import { useEffect, useRef } from 'react'
import { type ChartOption, createChart } from '../charts/echarts.ts'

export interface ChartProps {
  option: ChartOption
  /** What the chart shows, for screen readers (the chart is one image to them). */
  label: string
  height: number
  testId?: string
}

export function Chart({ option, label, height, testId }: ChartProps) {
  const box = useRef<HTMLDivElement>(null)
  const chart = useRef<ReturnType<typeof createChart>>(null)

  useEffect(() => {
    const element = box.current
    if (!element) return
    const instance = createChart(element)
    chart.current = instance
    const observer = new ResizeObserver(() => instance.resize())
    observer.observe(element)
    return () => {
      observer.disconnect()
      instance.dispose()
      chart.current = null
    }
  }, [])

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true })
  }, [option])

  return (
    <div ref={box} className="chart" role="img" aria-label={label} style={{ height }} data-testid={testId} />
  )
}
