// Parity of the native evaluator with Spark's own transform(): a saved PipelineModel directory and a JSONL file of
// Spark's outputs on held-out rows, one object per line:
//   {"input": {<column>: <value>, …}, "prediction": <number>, "probability": [<number>, …]}   (probability: classifiers)
// which is what `select(struct(<columns>).as('input'), 'prediction', vector_to_array('probability').as('probability'))`
// followed by `toJSON` gives in Spark.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { compileEvaluator, type InputColumn } from '../../src/serving/evaluator.ts'
import { readPipelineModel } from '../../src/serving/pipeline-model.ts'

export interface SparkOutput {
  input: Record<string, string | number>
  prediction: number
  probability?: number[]
}

export interface ParityResult {
  rows: number
  /** Largest |native − Spark| over regression predictions and class probabilities. */
  maxAbsDiff: number
  /** Rows whose outputs are bit-for-bit equal to Spark's. */
  identical: number
}

export const TOLERANCE = 1e-9

export function readSparkOutputs(file: string): SparkOutput[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as SparkOutput)
}

/** Asserts every row matches (classes identical, numbers within TOLERANCE) and returns how close they were. */
export async function assertParity(modelDir: string, outputs: readonly SparkOutput[]): Promise<ParityResult> {
  assert.ok(outputs.length > 0, `no Spark outputs to compare for ${modelDir}`)
  const first = outputs[0] as SparkOutput
  const inputs: InputColumn[] = Object.entries(first.input).map(([name, value]) => ({
    name,
    type: typeof value === 'string' ? 'string' : 'number',
  }))
  const evaluator = compileEvaluator(await readPipelineModel(modelDir), inputs)
  let maxAbsDiff = 0
  let identical = 0
  outputs.forEach((expected, row) => {
    const actual = evaluator.predict(expected.input)
    const where = `${modelDir}, row ${row}: ${JSON.stringify(expected.input)}`
    let same = true
    if (expected.probability) {
      assert.equal(actual.prediction, expected.prediction, `class differs at ${where}`)
      const probability = [...(actual.probability ?? [])]
      assert.equal(probability.length, expected.probability.length, `class count differs at ${where}`)
      expected.probability.forEach((p, k) => {
        const diff = Math.abs((probability[k] as number) - p)
        assert.ok(diff <= TOLERANCE, `probability of class ${k}: ${probability[k]} vs Spark ${p} at ${where}`)
        maxAbsDiff = Math.max(maxAbsDiff, diff)
        same &&= diff === 0
      })
    } else {
      const diff = Math.abs(actual.prediction - expected.prediction)
      assert.ok(
        diff <= TOLERANCE,
        `prediction ${actual.prediction} vs Spark ${expected.prediction} at ${where}`,
      )
      maxAbsDiff = Math.max(maxAbsDiff, diff)
      same = diff === 0
    }
    if (same) identical++
  })
  return { rows: outputs.length, maxAbsDiff, identical }
}
