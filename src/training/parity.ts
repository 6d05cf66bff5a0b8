// Spark's own predictions on held-out rows, with their inputs: what the native evaluator of src/serving must
// reproduce exactly. One JSON object per line: {"input": {11 columns}, "prediction": n, "probability": [p0, p1]}
// (probability for the classifier only).
import { COLUMN_NAMES } from '../contract/columns.ts'
import { col, type DataFrame } from '../spark/index.ts'
import type { ModelSpec } from './model-specs.ts'
import { PREDICTION_COL, PROBABILITY_COL } from './pipeline.ts'

export interface ParityRecord {
  input: Record<string, string | number>
  prediction: number
  probability?: number[]
}

export const PARITY_DIR = 'parity'

export async function collectParity(
  model: ModelSpec,
  predictions: DataFrame,
  limit: number,
): Promise<ParityRecord[]> {
  const outputs = model.task === 'classification' ? [PREDICTION_COL, PROBABILITY_COL] : [PREDICTION_COL]
  const rows = await predictions
    .select(...[...COLUMN_NAMES, ...outputs].map((name) => col(name)))
    .limit(limit)
    .collect()
  return rows.map((row) => ({
    input: Object.fromEntries(COLUMN_NAMES.map((name) => [name, row[name] as string | number])),
    prediction: row[PREDICTION_COL] as number,
    ...(model.task === 'classification' ? { probability: row[PROBABILITY_COL] as number[] } : {}),
  }))
}

export function toJsonLines(records: readonly ParityRecord[]): string {
  return records.map((record) => `${JSON.stringify(record)}\n`).join('')
}
