// Parity for a pipeline shaped like the seed's PySpark script — StringIndexer → OneHotEncoder → VectorAssembler →
// StandardScaler → RandomForest, and the same with gradient-boosted trees — fitted over the real Spark Connect server inside this test and saved as a
// native PipelineModel: the native evaluator reproduces Spark's transform() on every held-out row.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/schema/csv.ts'
import { newUid, type SparkSession } from '../../src/spark/index.ts'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { BATCH_SCHEMA } from '../../src/training/batch-schema.ts'
import { MODEL_SPECS, type ModelSpec } from '../../src/training/model-specs.ts'
import { collectParity } from '../../src/training/parity.ts'
import {
  applyStages,
  FEATURES_COL,
  fitPipeline,
  type PlannedStage,
  planPipeline,
} from '../../src/training/pipeline.ts'
import { writePipelineModel } from '../../src/training/pipeline-writer.ts'
import { assertParity } from './parity.ts'

const ROWS = 6_000
const SCALED = 'scaledFeatures'
const SCALER = 'org.apache.spark.ml.feature.StandardScaler'

let dir: string
let spark: SparkSession

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'seed-pipeline-'))
  const next = createSyntheticSource(7)
  const lines = [CSV_HEADER, ...Array.from({ length: ROWS }, () => encodeCsvLine(next()))]
  await writeFile(path.join(dir, 'data.csv'), `${lines.join('\n')}\n`)
  spark = await connectSpark(loadConfig().spark.remote)
})

after(async () => {
  await spark?.ml.cleanCache().catch(() => undefined)
  await spark?.close()
  await rm(dir, { recursive: true, force: true })
})

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
    const data = spark.readCsv(path.join(dir, 'data.csv'), { schema: [...BATCH_SCHEMA], header: true })
    const [train, heldOut] = data.randomSplit([0.8, 0.2], 11) as [typeof data, typeof data]
    const stages = await fitPipeline(spark, seedStages(model, learner), train, {
      step: (_label, fit) => fit(),
      fitted: () => undefined,
      warning: (stage, message) => assert.fail(`${stage}: ${message}`),
    })
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
    const modelDir = path.join(dir, `${model.name}-${learner.algorithm}`)
    await writePipelineModel(spark, stages, modelDir)
    const outputs = await collectParity(model, applyStages(spark, stages, heldOut), 2_000)
    assert.ok(outputs.length > 1_000, `only ${outputs.length} held-out rows`)
    const result = await assertParity(modelDir, outputs)
    assert.equal(result.rows, outputs.length)
  })
}
