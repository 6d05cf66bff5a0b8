// Parity for gradient-boosted trees: GBTRegressor and GBTClassifier pipelines fitted over the real Spark Connect
// server inside this test, saved as native PipelineModels; the native evaluator reproduces Spark's transform() on
// every held-out row. The indexed encoding makes the text columns categorical features, so the trees hold both
// categorical and continuous splits (checked). The seed-style one-hot + scaler pipeline with GBT is in
// seed-pipeline.integration.test.ts.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/schema/csv.ts'
import { LEAF } from '../../src/serving/forest.ts'
import { readPipelineData } from '../../src/serving/pipeline-model.ts'
import type { TreeModelParams } from '../../src/serving/stages/tree-models.ts'
import type { SparkSession } from '../../src/spark/index.ts'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { BATCH_SCHEMA } from '../../src/training/batch-schema.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import { collectParity } from '../../src/training/parity.ts'
import { applyStages, fitPipeline, planPipeline } from '../../src/training/pipeline.ts'
import { writePipelineModel } from '../../src/training/pipeline-writer.ts'
import { assertParity } from './parity.ts'

const ROWS = 6_000
const STEP = 0.3
const GBT: TreeParams = { algorithm: 'gbt', numTrees: 8, maxDepth: 5, maxBins: 32, stepSize: STEP }

let dir: string
let spark: SparkSession

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'gbt-pipeline-'))
  const next = createSyntheticSource(11)
  const lines = [CSV_HEADER, ...Array.from({ length: ROWS }, () => encodeCsvLine(next()))]
  await writeFile(path.join(dir, 'data.csv'), `${lines.join('\n')}\n`)
  spark = await connectSpark(loadConfig().spark.remote)
})

after(async () => {
  await spark?.ml.cleanCache().catch(() => undefined)
  await spark?.close()
  await rm(dir, { recursive: true, force: true })
})

for (const model of MODEL_SPECS.filter((m) => m.name !== 'energy_consumption_model')) {
  test(`GBT ${model.task}: categorical and continuous splits, native predictions equal Spark's`, async () => {
    const data = spark.readCsv(path.join(dir, 'data.csv'), { schema: [...BATCH_SCHEMA], header: true })
    const [train, heldOut] = data.randomSplit([0.8, 0.2], 5) as [typeof data, typeof data]
    const stages = await fitPipeline(spark, planPipeline(model, 'indexed', GBT, 9), train, {
      step: (_label, fit) => fit(),
      fitted: () => undefined,
      warning: (stage, message) => assert.fail(`${stage}: ${message}`),
    })
    const modelClass = model.task === 'classification' ? 'GBTClassificationModel' : 'GBTRegressionModel'
    assert.equal(stages.at(-1)?.className.split('.').at(-1), modelClass)
    const modelDir = path.join(dir, model.name)
    await writePipelineModel(spark, stages, modelDir)

    const saved = (await readPipelineData(modelDir)).stages.at(-1)?.params as TreeModelParams
    assert.deepEqual([...(saved.treeWeights ?? [])], [1, ...Array(GBT.numTrees - 1).fill(STEP)])
    const kinds = [...saved.forest.links.filter((_, i) => i % 2 === 0)]
    assert.ok(
      kinds.some((kind) => kind >= 0),
      'no continuous split',
    )
    assert.ok(
      kinds.some((kind) => kind < LEAF),
      'no categorical split',
    )

    const outputs = await collectParity(model, applyStages(spark, stages, heldOut), 2_000)
    assert.ok(outputs.length > 1_000, `only ${outputs.length} held-out rows`)
    const result = await assertParity(modelDir, outputs)
    assert.equal(result.rows, outputs.length)
    if (model.task === 'classification') {
      assert.deepEqual(
        new Set(outputs.map((row) => row.prediction)),
        new Set([0, 1]),
        'both classes predicted',
      )
    }
  })
}
