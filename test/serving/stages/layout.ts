// Runs one stage on a single row, the way the evaluator does, for stage unit tests.
import { type ColumnType, type Row, RowLayout, type Stage, type Value } from '../../../src/serving/stage.ts'

export function runStage(stage: Stage, inputs: Record<string, [ColumnType, Value | undefined, number?]>) {
  const layout = new RowLayout()
  const row: Row = []
  for (const [name, [type, value, size]] of Object.entries(inputs)) {
    row[layout.add(name, type, size ?? 1).slot] = value as Value
  }
  const steps = stage.bind(layout)
  for (const step of steps) step(row)
  return { layout, get: (name: string) => row[layout.find(name)?.slot ?? -1] }
}
