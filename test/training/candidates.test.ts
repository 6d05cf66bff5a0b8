import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { bestCandidate, tuningCandidates, tuningGrid } from '../../src/training/candidates.ts'
import type { ClassificationMetrics } from '../../src/training/evaluate.ts'
import type { CandidateResult } from '../../src/training/report.ts'
import { DEFAULT_PARAMS, paramsWith } from '../../src/training/train.ts'

const GBT: TreeParams = { algorithm: 'gbt', numTrees: 40, maxDepth: 6, maxBins: 32, stepSize: 0.3 }

const regression = (learner: string, r2: number, fitSeconds: number): CandidateResult => ({
  params: GBT,
  learner,
  metrics: { r2, rmse: 0, mae: 0 },
  fitSeconds,
})

const classification = (learner: string, auc: number, accuracy: number): CandidateResult => ({
  params: GBT,
  learner,
  metrics: { areaUnderROC: auc, accuracy } as ClassificationMetrics,
  fitSeconds: 1,
})

test('the best candidate has the highest R²; a tie (within 1e-4) goes to the faster fit', () => {
  assert.equal(bestCandidate([regression('a', 0.7, 1), regression('b', 0.78, 9)]).learner, 'b')
  assert.equal(bestCandidate([regression('a', 0.78, 9), regression('b', 0.78005, 3)]).learner, 'b')
})

test('classifiers are ranked by AUC, then accuracy', () => {
  const best = bestCandidate([
    classification('a', 0.99, 1),
    classification('b', 1, 0.98),
    classification('c', 1, 0.99),
  ])
  assert.equal(best.learner, 'c')
})

test('the tuning grid varies one axis at a time around the learner, and tries the other algorithm', () => {
  const grid = tuningGrid(GBT)
  const changes = (learner: TreeParams) =>
    Object.fromEntries(
      Object.entries(learner).filter(([key, value]) => GBT[key as keyof TreeParams] !== value),
    )
  assert.deepEqual(grid.slice(0, -1).map(changes), [
    {},
    { maxDepth: 8 },
    { numTrees: 80 },
    { maxBins: 64 },
    { numTrees: 80, stepSize: 0.15 },
    { subsamplingRate: 0.7 },
  ])
  assert.deepEqual(grid.at(-1), { algorithm: 'randomForest', numTrees: 40, maxDepth: 10, maxBins: 32 })
  const forest: TreeParams = { algorithm: 'randomForest', numTrees: 20, maxDepth: 6, maxBins: 32 }
  assert.equal(tuningGrid(forest).at(-1)?.algorithm, 'gbt')
  assert.deepEqual(Object.keys(tuningCandidates(DEFAULT_PARAMS).grids), Object.keys(DEFAULT_PARAMS.models))
})

test('flags given on the command line apply to all three learners; the others keep their defaults', () => {
  const params = paramsWith({ maxDepth: 4, numTrees: undefined })
  for (const [name, learner] of Object.entries(params.models)) {
    const defaults = DEFAULT_PARAMS.models[name as keyof typeof DEFAULT_PARAMS.models]
    assert.deepEqual(learner, { ...defaults, maxDepth: 4 })
  }
})
