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
