// Parity for gradient-boosted trees: GBTRegressor and GBTClassifier pipelines fitted over the real Spark Connect
// server inside this test, saved as native PipelineModels; the native evaluator reproduces Spark's transform() on
// every held-out row. The indexed encoding makes the text columns categorical features, so the trees hold both
// categorical and continuous splits (checked). The seed-style one-hot + scaler pipeline with GBT is in
// seed-pipeline.integration.test.ts.
import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { LEAF } from '../../src/serving/forest.ts'
import { readPipelineData } from '../../src/serving/pipeline-model.ts'
import type { TreeModelParams } from '../../src/serving/stages/tree-models.ts'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import { planPipeline } from '../../src/training/pipeline.ts'
import { fittingBench } from './fitting-bench.ts'

const STEP = 0.3
const GBT: TreeParams = { algorithm: 'gbt', numTrees: 8, maxDepth: 5, maxBins: 32, stepSize: STEP }

const bench = fittingBench('gbt-pipeline', 11)

for (const model of MODEL_SPECS.filter((m) => m.name !== 'energy_consumption_model')) {
  test(`GBT ${model.task}: categorical and continuous splits, native predictions equal Spark's`, async () => {
    const { stages, heldOut } = await bench.fit(planPipeline(model, 'indexed', GBT, 9), 5)
    const modelClass = model.task === 'classification' ? 'GBTClassificationModel' : 'GBTRegressionModel'
    assert.equal(stages.at(-1)?.className.split('.').at(-1), modelClass)
    const outputs = await bench.assertSavedParity(model, stages, heldOut, model.name)

    const saved = (await readPipelineData(path.join(bench.dir(), model.name))).stages.at(-1)
      ?.params as TreeModelParams
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

    if (model.task === 'classification') {
      assert.deepEqual(
        new Set(outputs.map((row) => row.prediction)),
        new Set([0, 1]),
        'both classes predicted',
      )
    }
  })
}
