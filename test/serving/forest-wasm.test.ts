// The compiled evaluator (the WebAssembly module) against the reference walk on random forests:
// continuous and categorical splits, rows exactly at thresholds, NaN, fractional, negative and unseen categories,
// regression (mean), boosting-style weighted sums and class votes, over several blocks of rows.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { type Combine, compileForest, type TreeNode } from '../../src/serving/forest.ts'
import { walkEnsemble } from '../../src/serving/forest-walk.ts'
import { compileEnsembleToWasm, MAX_COMPLETE_DEPTH, WASM_BLOCK_ROWS } from '../../src/serving/forest-wasm.ts'
import { pickScorer } from '../../src/serving/pick-scorer.ts'
import { scoreBoth } from './ensembles.ts'
import { FEATURES, nodes, random, randomInput, randomTree, type TreeSpec } from './trees.ts'

const CASES: { combine: Combine; classes: number }[] = [
  { combine: 'mean', classes: 0 },
  { combine: 'sum', classes: 0 },
  { combine: 'votes', classes: 2 },
  { combine: 'votes', classes: 3 },
]

test('the WebAssembly module gives the walk’s doubles on random forests and rows', () => {
  const next = random(29)
  const rows = WASM_BLOCK_ROWS + 77
  for (const { combine, classes } of CASES) {
    for (let round = 0; round < 15; round++) {
      const trees = Array.from({ length: 1 + Math.floor(next() * 12) }, () =>
        nodes(randomTree(next, 1 + Math.floor(next() * 8), classes)),
      )
      const forest = compileForest(trees, { numClasses: classes, normaliseLeafStats: round % 2 === 0 })
      const weights = Float64Array.from(trees, () => next() * 2 - 0.5)
      // Two unused columns after the features: rows are read at their stride, not packed.
      const stride = FEATURES + 2
      const x = new Float64Array(rows * stride)
      for (let r = 0; r < rows; r++) x.set(randomInput(next), r * stride)
      const out = scoreBoth({ forest, combine, weights }, x, rows)
      assert.equal(out.length, rows * (combine === 'votes' ? classes : 1))
    }
  }
})

test('a row exactly at a threshold goes left; NaN and unseen categories go right, in every evaluator', () => {
  const tree: TreeSpec = {
    feature: 0,
    threshold: 0.30000000000000004,
    left: { feature: 1, categories: [0, 2], numCategories: 3, left: { leaf: 1 }, right: { leaf: 2 } },
    right: { leaf: 3 },
  }
  const forest = compileForest([nodes(tree)], { numClasses: 0, normaliseLeafStats: true })
  const cases: [number, number, number][] = [
    [0.30000000000000004, 0, 1],
    [0.1 + 0.2, 2, 1],
    [0.3, 1, 2],
    [0.30000000000000004, 3, 2],
    [0, 2.5, 2],
    [0, -0, 1],
    [0, Number.NaN, 2],
    [0.4, 0, 3],
    [Number.NaN, 0, 3],
  ]
  const x = new Float64Array(2 * cases.length)
  for (const [row, [first, second]] of cases.entries()) x.set([first, second], 2 * row)
  assert.deepEqual(
    [...scoreBoth({ forest, combine: 'mean' }, x, cases.length)],
    cases.map(([, , leaf]) => leaf),
  )
})

test('category bits: the 32nd category, whole numbers past it or wrapping to it, on continuous-and-categorical levels', () => {
  // Level 1 mixes a categorical split (left subtree) with a continuous one on the same feature (right subtree).
  const tree: TreeSpec = {
    feature: 0,
    threshold: 0.5,
    left: { feature: 1, categories: [0, 31], numCategories: 32, left: { leaf: 1 }, right: { leaf: 2 } },
    right: { feature: 1, threshold: 31, left: { leaf: 3 }, right: { leaf: 4 } },
  }
  const forest = compileForest([nodes(tree)], { numClasses: 0, normaliseLeafStats: true })
  const cases: [number, number, number][] = [
    [0, 31, 1],
    [0, 0, 1],
    [0, 30, 2],
    [0, 32, 2],
    [0, 31.5, 2],
    [0, -1, 2],
    [0, 2 ** 32 + 31, 2],
    [0, -(2 ** 32) + 31, 2],
    [0, Number.POSITIVE_INFINITY, 2],
    [1, 31, 3],
    [1, 31.5, 4],
    [1, Number.NEGATIVE_INFINITY, 3],
  ]
  const x = new Float64Array(2 * cases.length)
  for (const [row, [first, second]] of cases.entries()) x.set([first, second], 2 * row)
  assert.deepEqual(
    [...scoreBoth({ forest, combine: 'mean' }, x, cases.length)],
    cases.map(([, , leaf]) => leaf),
  )
})

function fullTree(depth: number, next: () => number): TreeSpec {
  if (depth === 0) return { leaf: next() }
  return { feature: 0, threshold: next(), left: fullTree(depth - 1, next), right: fullTree(depth - 1, next) }
}

test('forests beyond the complete layout (too deep, or a split over > 32 categories) take the walk', () => {
  const next = random(3)
  const deep = compileForest([nodes(fullTree(MAX_COMPLETE_DEPTH + 1, next))], {
    numClasses: 0,
    normaliseLeafStats: true,
  })
  const wide = compileForest(
    [nodes({ feature: 0, categories: [40], numCategories: 41, left: { leaf: 1 }, right: { leaf: 2 } })],
    { numClasses: 0, normaliseLeafStats: true },
  )
  for (const forest of [deep, wide]) {
    assert.equal(compileEnsembleToWasm({ forest, combine: 'mean' }), undefined)
    const fallback = pickScorer({ forest, combine: 'mean' })
    assert.equal(fallback.kind, 'walk')
    const x = Float64Array.from({ length: 500 }, (_, i) => (forest === wide ? i % 42 : next()))
    const [fromFallback, fromWalk] = [new Float64Array(500), new Float64Array(500)]
    fallback.score(x, 1, 500, fromFallback)
    walkEnsemble({ forest, combine: 'mean' }).score(x, 1, 500, fromWalk)
    assert.deepStrictEqual(fromFallback, fromWalk)
  }
})

test('the evaluator picks wasm for forests with a complete layout, shallow or lopsided', () => {
  const next = random(5)
  const full = compileForest([nodes(fullTree(4, next))], { numClasses: 0, normaliseLeafStats: true })
  assert.equal(pickScorer({ forest: full, combine: 'mean' }).kind, 'wasm')
  const chain = (depth: number): TreeSpec => {
    let tree: TreeSpec = { leaf: 0 }
    for (let level = 0; level < depth; level++)
      tree = { feature: 0, threshold: level, left: { leaf: level }, right: tree }
    return tree
  }
  const lopsided = compileForest([nodes(chain(6))], { numClasses: 0, normaliseLeafStats: true })
  assert.ok(lopsided.expectedDepth < 0.7 * lopsided.depth)
  assert.equal(pickScorer({ forest: lopsided, combine: 'mean' }).kind, 'wasm')
})

/** What a Parquet reader hands over when a model file stores text where Spark writes numbers. */
const HOSTILE = '0;process.exit(7)'

test('strings where tree files hold numbers are refused before any code is generated', () => {
  const tree = (): TreeNode[] => nodes({ feature: 0, threshold: 1, left: { leaf: 1 }, right: { leaf: 2 } })
  const tamper: [string, (nodes: TreeNode[]) => void][] = [
    [
      'threshold',
      (n) => ((n[0] as TreeNode).split.leftCategoriesOrThreshold = [HOSTILE as unknown as number]),
    ],
    ['feature', (n) => ((n[0] as TreeNode).split.featureIndex = HOSTILE as unknown as number)],
    ['numeric-looking feature', (n) => ((n[0] as TreeNode).split.featureIndex = '0' as unknown as number)],
    ['categories', (n) => ((n[0] as TreeNode).split.numCategories = HOSTILE as unknown as number)],
    ['prediction', (n) => ((n[1] as TreeNode).prediction = HOSTILE as unknown as number)],
  ]
  for (const [what, change] of tamper) {
    const trees = [tree()]
    change(trees[0] as TreeNode[])
    assert.throws(
      () => compileForest(trees, { numClasses: 0, normaliseLeafStats: true }),
      (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && /not a valid Spark tree/.test(error.message),
      what,
    )
  }
  const categorical = nodes({
    feature: 0,
    categories: [0],
    numCategories: 2,
    left: { leaf: 1 },
    right: { leaf: 2 },
  })
  ;(categorical[0] as TreeNode).split.leftCategoriesOrThreshold = [HOSTILE as unknown as number]
  assert.throws(
    () => compileForest([categorical], { numClasses: 0, normaliseLeafStats: true }),
    /sends category/,
  )
  const stats = nodes({ leaf: 0, stats: [1, HOSTILE as unknown as number] })
  assert.throws(() => compileForest([stats], { numClasses: 2, normaliseLeafStats: true }), /class count/)
})
