// Parity for a pipeline shaped like the seed's PySpark script — StringIndexer → OneHotEncoder → VectorAssembler →
// StandardScaler → RandomForest, and the same with gradient-boosted trees — fitted over the real Spark Connect server inside this test and saved as a
// native PipelineModel: the native evaluator reproduces Spark's transform() on every held-out row.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newUid } from '../../src/spark/index.ts'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { MODEL_SPECS, type ModelSpec } from '../../src/training/model-specs.ts'
import { FEATURES_COL, type PlannedStage, planPipeline } from '../../src/training/pipeline.ts'
import { fittingBench } from './fitting-bench.ts'

const SCALED = 'scaledFeatures'
const SCALER = 'org.apache.spark.ml.feature.StandardScaler'

const bench = fittingBench('seed-pipeline', 7)

const LEARNERS: TreeParams[] = [
  { algorithm: 'randomForest', numTrees: 6, maxDepth: 6, maxBins: 32 },
  { algorithm: 'gbt', numTrees: 6, maxDepth: 4, maxBins: 32, stepSize: 0.2 },
]

/** The trainer's one-hot plan with a StandardScaler (mean and std) between the assembler and the learner. */
function seedStages(model: ModelSpec, learner: TreeParams): PlannedStage[] {
  const planned = planPipeline(model, 'onehot', learner, 3)
  const forest = planned.pop() as PlannedStage
  const scaler: PlannedStage = {
    kind: 'estimator',
    spec: {
      className: SCALER,
      uid: newUid(SCALER),
      params: { inputCol: FEATURES_COL, outputCol: SCALED, withMean: true, withStd: true },
    },
    modelClass: `${SCALER}Model`,
  }
  forest.spec = { ...forest.spec, params: { ...forest.spec.params, featuresCol: SCALED } }
  return [...planned, scaler, forest]
}

const MODELS = MODEL_SPECS.filter((m) => m.name !== 'energy_consumption_model')
for (const [model, learner] of MODELS.flatMap((m) => LEARNERS.map((l) => [m, l] as const))) {
  test(`${model.task}: one-hot + scaler + ${learner.algorithm} pipeline, native predictions equal Spark's`, async () => {
    const { stages, heldOut } = await bench.fit(seedStages(model, learner), 11)
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
