// Both walks must give exactly what Spark's rules give. Checked against a plain recursive reference on random
// forests: uneven depths, continuous and categorical splits, NaN and out-of-range inputs, tree counts that are not
// a multiple of the four walked together.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { compileForest, type TreeNode } from '../../src/serving/forest.ts'
import { bindForest, completeWalk, MAX_COMPLETE_DEPTH, pointerWalk } from '../../src/serving/forest-walk.ts'
import { nodes, type TreeSpec } from './trees.ts'

const FEATURES = 4
/** Feature 3 is categorical with 5 categories; the others are continuous. */
const CATEGORIES = 5

function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

function randomTree(next: () => number, depth: number): TreeSpec {
  if (depth === 0 || next() < 0.2) return { leaf: Math.round(next() * 1000) / 100 }
  const left = randomTree(next, depth - 1)
  const right = randomTree(next, depth - 1)
  if (next() < 0.3) {
    const categories = [0, 1, 2, 3, 4].filter(() => next() < 0.5)
    return { feature: 3, categories, numCategories: CATEGORIES, left, right }
  }
  return { feature: Math.floor(next() * 3), threshold: Math.round(next() * 100) / 10, left, right }
}

/** Spark's rule, written as plainly as possible. */
function reference(tree: TreeNode[], x: Float64Array): number {
  const byId = new Map(tree.map((node) => [node.id, node]))
  let node = byId.get(0) as TreeNode
  while (node.leftChild >= 0) {
    const { featureIndex, leftCategoriesOrThreshold, numCategories } = node.split
    const value = x[featureIndex] as number
    const left =
      numCategories < 0
        ? value <= (leftCategoriesOrThreshold[0] as number)
        : leftCategoriesOrThreshold.includes(value)
    node = byId.get(left ? node.leftChild : node.rightChild) as TreeNode
  }
  return node.prediction
}

function randomInput(next: () => number): Float64Array {
  const x = new Float64Array(FEATURES)
  for (let f = 0; f < 3; f++) x[f] = next() < 0.05 ? Number.NaN : Math.round(next() * 110) / 10
  const pick = next()
  x[3] = pick < 0.8 ? Math.floor(next() * CATEGORIES) : pick < 0.9 ? 2.5 : pick < 0.95 ? -1 : 7
  return x
}

test('both walks agree with the reference on random forests, leaf by leaf and in the mean', () => {
  const next = random(11)
  for (let round = 0; round < 40; round++) {
    const trees = Array.from({ length: 1 + Math.floor(next() * 9) }, () =>
      nodes(randomTree(next, 1 + Math.floor(next() * 7))),
    )
    const forest = compileForest(trees, { numClasses: 0, normaliseLeafStats: true })
    const complete = completeWalk(forest)
    assert.ok(complete, 'shallow forests use the complete layout')
    const pointer = pointerWalk(forest)
    const evaluator = bindForest(forest)
    const fromComplete = new Float64Array(trees.length)
    const fromPointer = new Float64Array(trees.length)
    for (let i = 0; i < 200; i++) {
      const x = randomInput(next)
      const expected = trees.map((tree) => reference(tree, x))
      complete(x, fromComplete)
      pointer(x, fromPointer)
      assert.deepEqual([...fromComplete], expected, `complete walk, input ${[...x]}`)
      assert.deepEqual([...fromPointer], expected, `pointer walk, input ${[...x]}`)
      let sum = 0
      for (const value of expected) sum += value
      assert.equal(evaluator.predictMean(x), sum / trees.length)
    }
  }
})

test('a forest of single leaves has depth 0 and still works', () => {
  const forest = compileForest([nodes({ leaf: 1 }), nodes({ leaf: 2 })], {
    numClasses: 0,
    normaliseLeafStats: true,
  })
  assert.equal(bindForest(forest).predictMean(Float64Array.of(0)), 1.5)
})

test('trees deeper than the complete layout allows, or with more than 32 categories, take the pointer walk', () => {
  let deep: TreeSpec = { leaf: 1 }
  for (let level = 0; level <= MAX_COMPLETE_DEPTH; level++)
    deep = { feature: 0, threshold: level, left: { leaf: -level }, right: deep }
  const deepForest = compileForest([nodes(deep)], { numClasses: 0, normaliseLeafStats: true })
  assert.equal(completeWalk(deepForest), undefined)
  assert.equal(bindForest(deepForest).predictMean(Float64Array.of(100)), 1)
  assert.equal(bindForest(deepForest).predictMean(Float64Array.of(4.5)), -MAX_COMPLETE_DEPTH)

  const wide: TreeSpec = {
    feature: 0,
    categories: [40],
    numCategories: 41,
    left: { leaf: 1 },
    right: { leaf: 2 },
  }
  const wideForest = compileForest([nodes(wide)], { numClasses: 0, normaliseLeafStats: true })
  assert.equal(completeWalk(wideForest), undefined)
  assert.deepEqual(
    [40, 39].map((c) => bindForest(wideForest).predictMean(Float64Array.of(c))),
    [1, 2],
  )
})
