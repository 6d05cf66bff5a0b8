// Parity of the native evaluator with Spark's own transform() (and of its evaluators with each other): a saved PipelineModel directory and a JSONL file of
// Spark's outputs on held-out rows, one object per line:
//   {"input": {<column>: <value>, …}, "prediction": <number>, "probability": [<number>, …]}   (probability: classifiers)
// which is what `select(struct(<columns>).as('input'), 'prediction', vector_to_array('probability').as('probability'))`
// followed by `toJSON` gives in Spark.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { compileEvaluator, type InputColumn, type ModelEvaluator } from '../../src/serving/evaluator.ts'
import { buildPipeline, type PipelineData, readPipelineData } from '../../src/serving/pipeline-model.ts'
import { TREE_MODEL_CLASSES, type TreeModelParams } from '../../src/serving/stages/tree-models.ts'
import { scoreBoth } from './ensembles.ts'

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
  const data = await readPipelineData(modelDir)
  const evaluator = compileEvaluator(buildPipeline(data), inputs)
  const records = outputs.map((output) => output.input)
  assertEvaluatorsAgree(data, evaluator, records)
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

/**
 * On the same records: the walk and the WebAssembly module give the same doubles for the model's forest, and the
 * evaluator's bulk path (predictMany) answers exactly what it answers one record at a time.
 */
function assertEvaluatorsAgree(
  data: PipelineData,
  evaluator: ModelEvaluator,
  records: Record<string, string | number>[],
): void {
  const last = data.stages.at(-1) as PipelineData['stages'][number]
  const { forest } = last.params as TreeModelParams
  const task = TREE_MODEL_CLASSES[last.className as keyof typeof TREE_MODEL_CLASSES].task
  const features = new Float64Array(records.length * evaluator.featureCount)
  evaluator.writeFeatures(records, 0, records.length, features)
  scoreBoth({ forest, combine: task === 'regression' ? 'mean' : 'votes' }, features, records.length)
  const many = evaluator.predictMany(records)
  records.forEach((record, row) => {
    const one = evaluator.predict(record)
    assert.equal(many[row]?.prediction, one.prediction, `predictMany ≠ predict at row ${row}`)
    assert.deepEqual(many[row]?.probability, one.probability, `predictMany ≠ predict at row ${row}`)
  })
}
