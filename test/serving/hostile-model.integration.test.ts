// A model file whose tree data holds text where Spark writes numbers — written as real Parquet by the Spark
// Connect server from a Spark-trained model — is refused at load with a clear error: no string from a model file
// can reach the code the evaluator generates (test/serving/forest-wasm.test.ts checks the same on nodes).
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { isTrafficError } from '../../src/errors.ts'
import { readPipelineModel } from '../../src/serving/pipeline-model.ts'
import type { SparkSession } from '../../src/spark/index.ts'
import { SPARK_MODELS_DIR } from '../spark-models.ts'

const HOSTILE = "'0;process.exit(7)'"

let work: string
let spark: SparkSession

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'hostile-model-'))
  spark = await connectSpark(loadConfig())
})

after(async () => {
  await spark?.close()
  rmSync(work, { recursive: true, force: true })
})

interface Tampering {
  /** SQL for the root's split feature (the column becomes text), else kept. */
  feature?: string
  /** SQL for the root's threshold list (the column becomes a list of text), else kept. */
  thresholds?: string
}

/** SQL rebuilding the forest's rows, the root's split changed as `tampering` says. */
function tamperedRows(data: string, { feature, thresholds }: Tampering): string {
  const at = (tampered: string | undefined, original: string, asText: string) =>
    tampered === undefined ? original : `CASE WHEN nodeData.id = 0 THEN ${tampered} ELSE ${asText} END`
  const featureIndex = 'nodeData.split.featureIndex'
  const list = 'nodeData.split.leftCategoriesOrThreshold'
  const split = `named_struct(
      'featureIndex', ${at(feature, featureIndex, `CAST(${featureIndex} AS STRING)`)},
      'leftCategoriesOrThreshold', ${at(thresholds, list, `transform(${list}, v -> CAST(v AS STRING))`)},
      'numCategories', nodeData.split.numCategories)`
  const fields = [
    'id',
    'prediction',
    'impurity',
    'impurityStats',
    'rawCount',
    'gain',
    'leftChild',
    'rightChild',
  ]
  const node = `named_struct(${fields.map((f) => `'${f}', nodeData.${f}`).join(', ')}, 'split', ${split})`
  return `SELECT treeID, ${node} AS nodeData FROM parquet.\`${data}\``
}

/** A copy of the Spark-trained density model whose forest data Spark rewrote as `tampering` says. */
async function hostileModel(name: string, tampering: Tampering): Promise<string> {
  const model = path.join(work, name)
  cpSync(path.join(SPARK_MODELS_DIR, 'traffic_density_model'), model, { recursive: true })
  const forest = path.join(model, 'stages', readdirSync(path.join(model, 'stages')).sort().at(-1) as string)
  const original = path.join(forest, 'original-data')
  renameSync(path.join(forest, 'data'), original)
  await spark
    .sql(tamperedRows(original, tampering))
    .write({ format: 'parquet', path: path.join(forest, 'data') })
  rmSync(original, { recursive: true })
  return model
}

const CASES: [string, Tampering, RegExp][] = [
  // The root of this forest's first tree splits on a category, so the list holds categories rather than a threshold.
  [
    'threshold or category',
    { thresholds: `array(${HOSTILE})` },
    /(threshold is "|sends category )0;process.exit\(7\)/,
  ],
  ['split feature', { feature: HOSTILE }, /splits on feature 0;process.exit\(7\)/],
]

for (const [what, tampering, message] of CASES) {
  test(`a ${what} stored as text is refused at load, naming the value`, async () => {
    const model = await hostileModel(what.replaceAll(' ', '-'), tampering)
    await assert.rejects(
      readPipelineModel(model),
      (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && message.test(error.message),
    )
  })
}
