// Parity for a pipeline shaped like the seed's PySpark script — StringIndexer → OneHotEncoder → VectorAssembler →
// StandardScaler → RandomForest, and the same with gradient-boosted trees — fitted over the real Spark Connect server inside this test and saved as a
// native PipelineModel: the native evaluator reproduces Spark's transform() on every held-out row.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import { seedStyleStages } from '../../src/training/seed-style.ts'
import { fittingBench } from './fitting-bench.ts'

const bench = fittingBench('seed-pipeline', 7)

const LEARNERS: TreeParams[] = [
  { algorithm: 'randomForest', numTrees: 6, maxDepth: 6, maxBins: 32 },
  { algorithm: 'gbt', numTrees: 6, maxDepth: 4, maxBins: 32, stepSize: 0.2 },
]

const MODELS = MODEL_SPECS.filter((m) => m.name !== 'energy_consumption_model')
for (const [model, learner] of MODELS.flatMap((m) => LEARNERS.map((l) => [m, l] as const))) {
  test(`${model.task}: one-hot + scaler + ${learner.algorithm} pipeline, native predictions equal Spark's`, async () => {
    const { stages, heldOut } = await bench.fit(seedStyleStages(model, learner, 3), 11)
    assert.deepEqual(
      stages.map((s) => s.className.split('.').at(-1)),
      [
        'StringIndexerModel',
        'OneHotEncoderModel',
        'VectorAssembler',
        'StandardScalerModel',
        `${learner.algorithm === 'gbt' ? 'GBT' : 'RandomForest'}${model.task === 'classification' ? 'Classification' : 'Regression'}Model`,
      ],
    )
    await bench.assertSavedParity(model, stages, heldOut, `${model.name}-${learner.algorithm}`)
  })
}
