// The tree learners a model can use, as Spark estimators: random forests (trees averaged) and gradient-boosted
// trees (trees fitted one after another on the residuals, summed with a step size). Both are listed in mllib's
// META-INF/services, so the Spark Connect server fits them.
import type { MlParamValues } from '../spark/index.ts'
import type { Task } from './model-specs.ts'

export type Algorithm = 'randomForest' | 'gbt'
export const ALGORITHMS: readonly Algorithm[] = ['randomForest', 'gbt']

export interface TreeParams {
  algorithm: Algorithm
  /** Trees of a forest; boosting iterations (one tree each) of GBT. */
  numTrees: number
  maxDepth: number
  maxBins: number
  /** GBT's learning rate, in (0, 1]. */
  stepSize?: number
  /** Share of the training rows each tree learns from (GBT samples without replacement). */
  subsamplingRate?: number
}

const ML = 'org.apache.spark.ml'

const ESTIMATORS = {
  randomForest: {
    regression: ['regression.RandomForestRegressor', 'regression.RandomForestRegressionModel'],
    classification: [
      'classification.RandomForestClassifier',
      'classification.RandomForestClassificationModel',
    ],
  },
  gbt: {
    regression: ['regression.GBTRegressor', 'regression.GBTRegressionModel'],
    classification: ['classification.GBTClassifier', 'classification.GBTClassificationModel'],
  },
} as const

export interface EstimatorChoice {
  className: string
  /** Class of the fitted model, as Spark writes it in the stage's metadata. */
  modelClass: string
  /** The learner's own params (columns are the caller's business). */
  params: MlParamValues
}

/** Spark's estimator for a task and its params; GBT's iterations are `maxIter`, a forest's trees `numTrees`. */
export function treeEstimator(task: Task, tree: TreeParams, seed: number): EstimatorChoice {
  const [estimator, model] = ESTIMATORS[tree.algorithm][task]
  const size: MlParamValues =
    tree.algorithm === 'gbt' ? { maxIter: tree.numTrees } : { numTrees: tree.numTrees }
  return {
    className: `${ML}.${estimator}`,
    modelClass: `${ML}.${model}`,
    params: {
      ...size,
      maxDepth: tree.maxDepth,
      maxBins: tree.maxBins,
      ...(tree.algorithm === 'gbt' && tree.stepSize !== undefined ? { stepSize: tree.stepSize } : {}),
      ...(tree.subsamplingRate !== undefined ? { subsamplingRate: tree.subsamplingRate } : {}),
      seed,
    },
  }
}

/** A short label, e.g. `GBT 60 iterations, depth 6, 32 bins, step 0.2, subsample 0.8`. */
export function describeTreeParams(tree: TreeParams): string {
  const parts =
    tree.algorithm === 'gbt' ? [`GBT ${tree.numTrees} iterations`] : [`random forest ${tree.numTrees} trees`]
  parts.push(`depth ${tree.maxDepth}`, `${tree.maxBins} bins`)
  if (tree.algorithm === 'gbt' && tree.stepSize !== undefined) parts.push(`step ${tree.stepSize}`)
  if (tree.subsamplingRate !== undefined) parts.push(`subsample ${tree.subsamplingRate}`)
  return parts.join(', ')
}
