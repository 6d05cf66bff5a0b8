// The walk must give exactly what Spark's rules give. Checked against a plain reference on random forests: uneven
// depths, continuous and categorical splits, NaN and out-of-range inputs; and on trees of any depth or width.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type CompiledForest, compileForest, type TreeNode } from '../../src/serving/forest.ts'
import { pointerWalk, walkEnsemble } from '../../src/serving/forest-walk.ts'
import { nodes, random, randomInput, randomTree, type TreeSpec } from './trees.ts'

function walkMean(forest: CompiledForest, x: Float64Array): number {
  const out = new Float64Array(1)
  walkEnsemble({ forest, combine: 'mean' }).score(x, x.length, 1, out)
  return out[0] as number
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

test('the walk agrees with the reference on random forests, leaf by leaf and in the mean', () => {
  const next = random(11)
  for (let round = 0; round < 40; round++) {
    const trees = Array.from({ length: 1 + Math.floor(next() * 9) }, () =>
      nodes(randomTree(next, 1 + Math.floor(next() * 7))),
    )
    const forest = compileForest(trees, { numClasses: 0, normaliseLeafStats: true })
    const pointer = pointerWalk(forest)
    const fromPointer = new Float64Array(trees.length)
    for (let i = 0; i < 200; i++) {
      const x = randomInput(next)
      const expected = trees.map((tree) => reference(tree, x))
      pointer(x, fromPointer)
      assert.deepEqual([...fromPointer], expected, `pointer walk, input ${[...x]}`)
      let sum = 0
      for (const value of expected) sum += value
      assert.equal(walkMean(forest, x), sum / trees.length)
    }
  }
})

test('a forest of single leaves has depth 0 and still works', () => {
  const forest = compileForest([nodes({ leaf: 1 }), nodes({ leaf: 2 })], {
    numClasses: 0,
    normaliseLeafStats: true,
  })
  assert.equal(walkMean(forest, Float64Array.of(0)), 1.5)
})

test('deep trees and splits over many categories', () => {
  const DEPTH = 40
  let deep: TreeSpec = { leaf: 1 }
  for (let level = 0; level < DEPTH; level++)
    deep = { feature: 0, threshold: level, left: { leaf: -level }, right: deep }
  const deepForest = compileForest([nodes(deep)], { numClasses: 0, normaliseLeafStats: true })
  assert.equal(walkMean(deepForest, Float64Array.of(100)), 1)
  assert.equal(walkMean(deepForest, Float64Array.of(4.5)), -(DEPTH - 1))

  const wide: TreeSpec = {
    feature: 0,
    categories: [40],
    numCategories: 41,
    left: { leaf: 1 },
    right: { leaf: 2 },
  }
  const wideForest = compileForest([nodes(wide)], { numClasses: 0, normaliseLeafStats: true })
  assert.deepEqual(
    [40, 39].map((c) => walkMean(wideForest, Float64Array.of(c))),
    [1, 2],
  )
})
