// Native predictions vs Spark's recorded ones, for every model that has a parity file in the Spark-written models
// folder (test/spark-models.ts): <models>/<name>/ is the saved PipelineModel, <models>/parity/<name>.jsonl holds
// Spark's outputs on held-out rows.
import assert from 'node:assert/strict'
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { SPARK_MODELS_DIR } from '../spark-models.ts'
import { assertParity, readSparkOutputs } from './parity.ts'

test('native predictions equal Spark transform() on every recorded row', async (t) => {
  const parityDir = path.join(SPARK_MODELS_DIR, 'parity')
  const files = existsSync(parityDir) ? readdirSync(parityDir).filter((name) => name.endsWith('.jsonl')) : []
  assert.ok(files.length > 0, `no <name>.jsonl files in ${parityDir}`)
  for (const file of files.sort()) {
    const name = path.basename(file, '.jsonl')
    await t.test(name, async () => {
      const result = await assertParity(
        path.join(SPARK_MODELS_DIR, name),
        readSparkOutputs(path.join(parityDir, file)),
      )
      t.diagnostic(
        `${name}: ${result.rows} rows, ${result.identical} bit-identical, max |diff| ${result.maxAbsDiff}`,
      )
    })
  }
})
