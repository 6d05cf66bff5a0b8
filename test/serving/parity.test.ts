// Native predictions vs Spark's recorded ones, for every model folder that has a parity file:
//   <models>/<name>/                (a saved PipelineModel)
//   <models>/parity/<name>.jsonl    (Spark's outputs on held-out rows; format in parity.ts)
// The models folder comes from TRAFFIC_PARITY_MODELS until the shared test fixture that trains the models over
// Spark Connect is wired in.
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { assertParity, readSparkOutputs } from './parity.ts'

const modelsDir = process.env.TRAFFIC_PARITY_MODELS
const skip = modelsDir
  ? false
  : 'TRAFFIC_PARITY_MODELS is not set: no Spark-written models to compare with (fixture not wired yet)'

test('native predictions equal Spark transform() on every recorded row', { skip }, async (t) => {
  const parityDir = path.join(modelsDir as string, 'parity')
  const files = existsSync(parityDir) ? readdirSync(parityDir).filter((name) => name.endsWith('.jsonl')) : []
  assert.ok(files.length > 0, `no <name>.jsonl files in ${parityDir}`)
  for (const file of files.sort()) {
    const name = path.basename(file, '.jsonl')
    await t.test(name, async () => {
      const result = await assertParity(
        path.join(modelsDir as string, name),
        readSparkOutputs(path.join(parityDir, file)),
      )
      t.diagnostic(
        `${name}: ${result.rows} rows, ${result.identical} bit-identical, max |diff| ${result.maxAbsDiff}`,
      )
    })
  }
})
