// The seed's PySpark pipeline, in this project's stages: StringIndexer → OneHotEncoder → VectorAssembler →
// StandardScaler (mean and std) → the tree learner on the scaled features. The baseline training is compared with
// (bench:train) and a pipeline shape the native evaluator must reproduce (the parity tests).
import { newUid } from '../spark/index.ts'
import type { TreeParams } from './algorithms.ts'
import type { ModelSpec } from './model-specs.ts'
import { FEATURES_COL, type PlannedStage, planPipeline } from './pipeline.ts'

const SCALED_COL = 'scaledFeatures'
const SCALER = 'org.apache.spark.ml.feature.StandardScaler'

/** The trainer's one-hot plan with a StandardScaler between the assembler and the learner. */
export function seedStyleStages(model: ModelSpec, learner: TreeParams, seed: number): PlannedStage[] {
  const planned = planPipeline(model, 'onehot', learner, seed)
  const trees = planned.pop() as PlannedStage
  const scaler: PlannedStage = {
    kind: 'estimator',
    spec: {
      className: SCALER,
      uid: newUid(SCALER),
      params: { inputCol: FEATURES_COL, outputCol: SCALED_COL, withMean: true, withStd: true },
    },
    modelClass: `${SCALER}Model`,
  }
  trees.spec = { ...trees.spec, params: { ...trees.spec.params, featuresCol: SCALED_COL } }
  return [...planned, scaler, trees]
}
