// Hand-built trees for unit tests, written as nested objects and flattened into Spark's NodeData rows.
import type { TreeNode } from '../../src/serving/forest.ts'

export type TreeSpec =
  | { leaf: number; stats?: number[] }
  | { feature: number; threshold: number; left: TreeSpec; right: TreeSpec }
  | { feature: number; categories: number[]; numCategories: number; left: TreeSpec; right: TreeSpec }

/** Spark's layout: ids in preorder. `shuffle` returns the rows in reverse to show the order does not matter. */
export function nodes(spec: TreeSpec, shuffle = false): TreeNode[] {
  const out: TreeNode[] = []
  const visit = (node: TreeSpec): number => {
    const id = out.length
    const row: TreeNode = {
      id,
      prediction: 'leaf' in node ? node.leaf : 0,
      impurityStats: 'leaf' in node ? (node.stats ?? []) : [],
      leftChild: -1,
      rightChild: -1,
      split: { featureIndex: -1, leftCategoriesOrThreshold: [], numCategories: -1 },
    }
    out.push(row)
    if ('leaf' in node) return id
    row.split =
      'threshold' in node
        ? { featureIndex: node.feature, leftCategoriesOrThreshold: [node.threshold], numCategories: -1 }
        : {
            featureIndex: node.feature,
            leftCategoriesOrThreshold: node.categories,
            numCategories: node.numCategories,
          }
    row.leftChild = visit(node.left)
    row.rightChild = visit(node.right)
    return id
  }
  visit(spec)
  return shuffle ? out.reverse() : out
}

/** Random forests for property tests: features 0–2 continuous, feature 3 categorical with 5 categories. */
export const FEATURES = 4
const CATEGORIES = 5

export function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648
    return state / 2147483648
  }
}

/**
 * Thresholds and inputs are both multiples of 0.1, so rows often sit exactly at a threshold. With `classes`,
 * leaves hold random class counts (sometimes none at all).
 */
export function randomTree(next: () => number, depth: number, classes = 0): TreeSpec {
  if (depth === 0 || next() < 0.2) {
    const stats = Array.from({ length: classes }, () => (next() < 0.1 ? 0 : Math.floor(next() * 50)))
    return { leaf: Math.round(next() * 1000) / 100, stats }
  }
  const left = randomTree(next, depth - 1, classes)
  const right = randomTree(next, depth - 1, classes)
  if (next() < 0.3) {
    const categories = [0, 1, 2, 3, 4].filter(() => next() < 0.5)
    return { feature: 3, categories, numCategories: CATEGORIES, left, right }
  }
  return { feature: Math.floor(next() * 3), threshold: Math.round(next() * 100) / 10, left, right }
}

/** Some NaNs; the category is sometimes fractional (2.5), negative (−1) or unseen in training (7). */
export function randomInput(next: () => number): Float64Array {
  const x = new Float64Array(FEATURES)
  for (let f = 0; f < 3; f++) x[f] = next() < 0.05 ? Number.NaN : Math.round(next() * 110) / 10
  const pick = next()
  x[3] = pick < 0.8 ? Math.floor(next() * CATEGORIES) : pick < 0.9 ? 2.5 : pick < 0.95 ? -1 : 7
  return x
}
