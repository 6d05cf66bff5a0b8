import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { type CompiledForest, compileForest } from '../../src/serving/forest.ts'
import { scoreBoth } from './ensembles.ts'
import { nodes, type TreeSpec } from './trees.ts'

// Every case runs through both evaluators, the walk and the generated code, which must agree bit for bit.
const x = (...values: number[]) => Float64Array.from(values)
const predictMean = (forest: CompiledForest, features: Float64Array) =>
  scoreBoth({ forest, combine: 'mean' }, features, 1)[0]
const sumVotes = (forest: CompiledForest, features: Float64Array, votes: Float64Array) =>
  votes.set(scoreBoth({ forest, combine: 'votes' }, features, 1))
const regression = (trees: TreeSpec[], shuffle = false) =>
  compileForest(
    trees.map((tree) => nodes(tree, shuffle)),
    { numClasses: 0, normaliseLeafStats: true },
  )

// x0 <= 10 → (x1 <= 0.5 → 1 | 2) | 3
const continuous: TreeSpec = {
  feature: 0,
  threshold: 10,
  left: { feature: 1, threshold: 0.5, left: { leaf: 1 }, right: { leaf: 2 } },
  right: { leaf: 3 },
}

test('a continuous split sends x <= threshold left, including equality, and NaN right', () => {
  const forest = regression([continuous])
  assert.equal(predictMean(forest, x(10, 0.5)), 1)
  assert.equal(predictMean(forest, x(9.999, 0.6)), 2)
  assert.equal(predictMean(forest, x(10.000001, 0)), 3)
  assert.equal(predictMean(forest, x(Number.NaN, 0)), 3)
})

test('node rows may come in any order: ids, not positions, link the tree', () => {
  const forest = regression([continuous], true)
  assert.deepEqual(
    [x(10, 0.5), x(0, 1), x(11, 0)].map((v) => predictMean(forest, v)),
    [1, 2, 3],
  )
})

test('a categorical split sends only the listed categories left; other, fractional or out-of-range values go right', () => {
  const categorical: TreeSpec = {
    feature: 1,
    categories: [0, 2],
    numCategories: 4,
    left: { leaf: 10 },
    right: { leaf: 20 },
  }
  const forest = regression([categorical])
  assert.deepEqual(
    [0, 1, 2, 3, 2.5, -1, 4, 7].map((category) => predictMean(forest, x(0, category))),
    [10, 20, 10, 20, 20, 20, 20, 20],
  )
})

test('regression averages the trees in order, exactly like sum / numTrees', () => {
  const forest = regression([{ leaf: 0.1 }, { leaf: 0.2 }, continuous])
  assert.equal(predictMean(forest, x(100, 0)), (0.1 + 0.2 + 3) / 3)
  assert.equal(forest.numTrees, 3)
  assert.equal(forest.featuresRead, 2)
})

test('forest classification sums per-tree normalised leaf counts; a single tree keeps raw counts', () => {
  const tree = (counts: number[]): TreeSpec => ({
    feature: 0,
    threshold: 0,
    left: { leaf: 0, stats: counts },
    right: { leaf: 1, stats: [0, 0, 5] },
  })
  const trees = [nodes(tree([3, 1, 0])), nodes(tree([1, 1, 2])), nodes(tree([0, 0, 0]))]
  const forest = compileForest(trees, { numClasses: 3, normaliseLeafStats: true })
  const votes = new Float64Array(3)
  sumVotes(forest, x(-1), votes)
  // The third tree's leaf saw no rows: Spark skips it.
  assert.deepEqual([...votes], [0.75 + 0.25, 0.25 + 0.25, 0 + 0.5])

  const single = compileForest([nodes(tree([3, 1, 0]))], { numClasses: 3, normaliseLeafStats: false })
  sumVotes(single, x(-1), votes)
  assert.deepEqual([...votes], [3, 1, 0])
  sumVotes(single, x(1), votes)
  assert.deepEqual([...votes], [0, 0, 5])
})

test('corrupt trees are refused with MODEL_UNSUPPORTED', () => {
  const broken = nodes(continuous)
  ;(broken[0] as { rightChild: number }).rightChild = 42
  assert.throws(
    () => compileForest([broken], { numClasses: 0, normaliseLeafStats: true }),
    (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && /missing node 42/.test(error.message),
  )
  assert.throws(
    () => compileForest([nodes({ leaf: 0, stats: [1, 2] })], { numClasses: 3, normaliseLeafStats: true }),
    (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && /2 class counts, not 3/.test(error.message),
  )
  const orphan = [...nodes(continuous), ...nodes({ leaf: 9 }).map((node) => ({ ...node, id: 5 }))]
  assert.throws(
    () => compileForest([orphan], { numClasses: 0, normaliseLeafStats: true }),
    (error) => isTrafficError(error, 'MODEL_UNSUPPORTED') && /unreachable/.test(error.message),
  )
})

test('categorical splits may have hundreds of categories', () => {
  const many: TreeSpec = {
    feature: 0,
    categories: [299, 3],
    numCategories: 300,
    left: { leaf: 1 },
    right: { leaf: 2 },
  }
  const forest = regression([many])
  assert.deepEqual(
    [299, 3, 298, 300].map((category) => predictMean(forest, x(category))),
    [1, 1, 2, 2],
  )
  const outOfRange: TreeSpec = {
    feature: 0,
    categories: [5],
    numCategories: 4,
    left: { leaf: 1 },
    right: { leaf: 2 },
  }
  assert.throws(
    () => regression([outOfRange]),
    (error) =>
      isTrafficError(error, 'MODEL_UNSUPPORTED') && /sends category 5 left, of 4/.test(error.message),
  )
})

test('depth and the rows-weighted depth at which rows end are recorded for choosing how to walk', () => {
  const tree = nodes({
    feature: 0,
    threshold: 0,
    left: { leaf: 1 },
    right: { feature: 0, threshold: 1, left: { leaf: 2 }, right: { leaf: 3 } },
  })
  const counts = new Map([
    [1, 6n],
    [3, 2n],
    [4, 2n],
  ])
  const weighted = tree.map((node) => ({ ...node, rawCount: counts.get(node.id) ?? 10n }))
  const forest = compileForest([weighted, nodes({ leaf: 0 })], { numClasses: 0, normaliseLeafStats: true })
  assert.equal(forest.depth, 2)
  // Tree 1: 6 rows end at depth 1, 4 at depth 2 → 1.4; tree 2 is a single leaf → 0.
  assert.equal(forest.expectedDepth, (1.4 + 0) / 2)
})
