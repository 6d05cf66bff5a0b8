// Candidate learners for one model, each fitted over Spark Connect on the same assembled features and scored by
// Spark's own evaluators: tuning picks the best on a validation share of the training rows, the benchmark
// compares them on the held-out rows. Client-side, because Spark's TrainValidationSplit and CrossValidator are
// not in mllib's META-INF/services lists, so the Connect server does not run them.
import type { DataFrame, ModelRef, SparkSession } from '../spark/index.ts'
import { describeTreeParams, type TreeParams } from './algorithms.ts'
import { type ClassificationMetrics, evaluateModel, type RegressionMetrics } from './evaluate.ts'
import type { ModelName, ModelSpec, Task } from './model-specs.ts'
import { predictorStage } from './pipeline.ts'
import type { CandidateResult, TrainingParams } from './report.ts'

export interface CandidatesOptions {
  /** `tune`: pick the best on a validation share and save it. `compare`: score on held-out rows, save the default. */
  mode: 'tune' | 'compare'
  /** The learners to try per model; a model without a list is trained with its params only. */
  grids: Partial<Record<ModelName, TreeParams[]>>
}

/** Share of the training rows tuning scores candidates on (they are fitted on the rest). */
export const VALIDATION_FRACTION = 0.2

/** Scores closer than this are a tie: the faster candidate wins (timings on a shared machine are noisy, too). */
const TIE = 1e-4

export function scoreName(task: Task): string {
  return task === 'classification' ? 'areaUnderROC, then accuracy' : 'r2'
}

/** Higher is better. */
function score(metrics: CandidateResult['metrics']): number[] {
  return 'r2' in metrics
    ? [(metrics as RegressionMetrics).r2]
    : [(metrics as ClassificationMetrics).areaUnderROC, (metrics as ClassificationMetrics).accuracy]
}

/** The best score, ties (within TIE on every component) going to the candidate that fitted fastest. */
export function bestCandidate(results: readonly CandidateResult[]): CandidateResult {
  const better = (a: CandidateResult, b: CandidateResult): boolean => {
    const [sa, sb] = [score(a.metrics), score(b.metrics)]
    for (let i = 0; i < sa.length; i++) {
      const difference = (sa[i] as number) - (sb[i] as number)
      if (Math.abs(difference) > TIE) return difference > 0
    }
    return a.fitSeconds < b.fitSeconds
  }
  return results.reduce((best, result) => (better(result, best) ? result : best))
}

/** Around a learner: itself, one change on each axis (depth, trees, bins, step, subsampling), the other algorithm. */
export function tuningGrid(base: TreeParams): TreeParams[] {
  const gbt = base.algorithm === 'gbt'
  return [
    base,
    { ...base, maxDepth: base.maxDepth + 2 },
    { ...base, numTrees: base.numTrees * 2 },
    { ...base, maxBins: base.maxBins * 2 },
    ...(gbt ? [{ ...base, stepSize: (base.stepSize ?? 0.1) / 2, numTrees: base.numTrees * 2 }] : []),
    { ...base, subsamplingRate: 0.7 },
    gbt
      ? { algorithm: 'randomForest', numTrees: 40, maxDepth: 10, maxBins: base.maxBins }
      : { algorithm: 'gbt', numTrees: 40, maxDepth: 6, maxBins: base.maxBins, stepSize: 0.3 },
  ]
}

/** `--tune`: each model's grid around its learner. */
export function tuningCandidates(params: TrainingParams): CandidatesOptions {
  const grids = Object.fromEntries(
    Object.entries(params.models).map(([name, tree]) => [name, tuningGrid(tree)]),
  )
  return { mode: 'tune', grids }
}

export interface CandidateHooks {
  /** Called around each candidate's fit, e.g. to print progress. */
  step<T>(label: string, fit: () => Promise<T>): Promise<T>
  /** Each fitted model as soon as the server holds it, so the caller can release it whatever happens next. */
  fitted(ref: ModelRef): void
  release(ref: ModelRef): Promise<void>
}

/** Fits every candidate on `fitOn`, scores it on `scoreOn` (both already through the feature stages). */
export async function scoreCandidates(
  spark: SparkSession,
  model: ModelSpec,
  grid: readonly TreeParams[],
  data: { fitOn: DataFrame; scoreOn: DataFrame },
  seed: number,
  hooks: CandidateHooks,
): Promise<CandidateResult[]> {
  const results: CandidateResult[] = []
  for (const [index, params] of grid.entries()) {
    const began = performance.now()
    const ref = await hooks.step(`candidate ${index + 1}/${grid.length}`, () =>
      spark.ml.fit(predictorStage(model, params, seed).spec, data.fitOn),
    )
    hooks.fitted(ref)
    const fitSeconds = Math.round(performance.now() - began) / 1000
    const metrics = await evaluateModel(spark, model, spark.ml.transform(ref, data.scoreOn))
    await hooks.release(ref)
    const warning = ref.warning ? { warning: ref.warning } : {}
    results.push({ params, learner: describeTreeParams(params), metrics, fitSeconds, ...warning })
  }
  return results
}
