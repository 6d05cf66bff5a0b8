// Decision trees compiled to flat typed arrays, one set for the whole forest: compact, checked, and plain data
// (a worker thread can build it and hand it over). forest-wasm.ts compiles it, forest-walk.ts is the reference.
// Spark's rules: a continuous split goes left when x <= threshold; a categorical split goes left when x is one of
// the left categories. Leaves hold the prediction (regression) or their class weights: impurityStats normalised
// per tree for forests, raw counts for a single decision tree.
import { TrafficError } from '../errors.ts'

/** One node as Spark saves it (`NodeData` in tree models' Parquet data). */
export interface TreeNode {
  id: number
  prediction: number
  impurityStats: number[]
  leftChild: number
  rightChild: number
  /** Training rows that reached the node (Spark ≥ 3.0 writes it; Parquet INT64 arrives as a bigint). */
  rawCount?: number | bigint
  /** featureIndex −1 on leaves; numCategories −1 for continuous splits (then the list holds the threshold). */
  split: { featureIndex: number; leftCategoriesOrThreshold: number[]; numCategories: number }
}

/**
 * All trees in two parallel arrays indexed by node, nodes in preorder so a left child directly follows its parent:
 * - `links[2n]` is the split feature (≥ 0) of a continuous split, `−2 − feature` of a categorical split, −1 on a
 *   leaf; `links[2n + 1]` is the right child;
 * - `values[n]` is the threshold (continuous), where the split's entry starts in `categories` (categorical: the
 *   category count, then one flag per category, 1 = goes left), or, on a leaf, the prediction (regression) or
 *   where its class weights start in `classWeights` (classification).
 */
export interface CompiledForest {
  readonly numTrees: number
  /** 0 for regression. */
  readonly numClasses: number
  /** Highest feature index any split reads, +1. */
  readonly featuresRead: number
  /** Depth of the deepest leaf. */
  readonly depth: number
  /** Mean over trees of the depth at which a training row ends, weighted by rawCount (else by leaf). */
  readonly expectedDepth: number
  readonly roots: Int32Array
  readonly links: Int32Array
  readonly values: Float64Array
  readonly categories: Int32Array
  readonly classWeights: Float64Array
}

export const LEAF = -1

/**
 * How an ensemble's trees combine into its output, for each row:
 * - `mean`: the leaf values summed in tree order, divided by the tree count (random forest regression);
 * - `sum`: the leaf values times the tree weights, summed in tree order (gradient-boosted trees' margin);
 * - `votes`: the leaves' class weights summed in tree order, one total per class (random forest classification's
 *   rawPrediction).
 */
export type Combine = 'mean' | 'sum' | 'votes'

export interface TreeEnsemble {
  forest: CompiledForest
  combine: Combine
  /** For `sum`: one weight per tree (all 1 when absent). */
  weights?: Float64Array
}

/** Outputs per row: one number, or one per class for `votes`. */
export function outputWidth({ forest, combine }: TreeEnsemble): number {
  return combine === 'votes' ? forest.numClasses : 1
}

/** Scores rows in bulk. Row r's features are `x[r * stride + f]`; its outputs go to `out[r * width …]`. */
export interface EnsembleScorer {
  /** The generated WebAssembly module, or the reference walk. */
  readonly kind: 'wasm' | 'walk'
  score(x: Float64Array, stride: number, rows: number, out: Float64Array): void
}

export interface CompileOptions {
  numClasses: number
  /** Forests normalise each leaf's class counts (votes of one tree sum to 1); a single tree keeps raw counts. */
  normaliseLeafStats: boolean
}

function corrupt(reason: string): TrafficError {
  return new TrafficError('MODEL_UNSUPPORTED', `Tree data is not a valid Spark tree: ${reason}`)
}

/** Only finite numbers enter the arrays (and so the generated module, see forest-wasm.ts): a string is refused. */
function finite(value: unknown, what: () => string): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw corrupt(`${what()} is ${typeof value === 'number' ? value : JSON.stringify(value)}`)
  return value
}

/** `trees[t]` holds the nodes of tree t in any order, with ids 0…n−1 and children referring to those ids. */
export function compileForest(
  trees: readonly (readonly TreeNode[])[],
  options: CompileOptions,
): CompiledForest {
  const links: number[] = []
  const values: number[] = []
  const categories: number[] = []
  const weights: number[] = []
  const roots: number[] = []
  let featuresRead = 0
  let depth = 0
  let expectedDepths = 0

  for (const [t, treeNodes] of trees.entries()) {
    const byId = new Map(treeNodes.map((node) => [node.id, node]))
    if (byId.size !== treeNodes.length) throw corrupt(`tree ${t} repeats node ids`)
    let visited = 0
    let rows = 0
    let rowDepths = 0
    // Preorder with an explicit stack: [node id, where its parent's right link goes or −1, depth].
    const stack: [number, number, number][] = [[0, -1, 0]]
    roots.push(values.length)
    while (stack.length > 0) {
      const [id, parentSlot, level] = stack.pop() as [number, number, number]
      const node = byId.get(id)
      if (!node) throw corrupt(`tree ${t} refers to missing node ${id}`)
      if (++visited > treeNodes.length) throw corrupt(`tree ${t} has a cycle`)
      const at = values.length
      if (parentSlot >= 0) links[parentSlot] = at
      if (node.leftChild < 0) {
        const value =
          options.numClasses > 0
            ? weights.length
            : finite(node.prediction, () => `tree ${t} leaf ${id}'s prediction`)
        if (options.numClasses > 0) weights.push(...leafWeights(node.impurityStats, options))
        links.push(LEAF, 0)
        values.push(value)
        const weight = node.rawCount === undefined ? 1 : Number(node.rawCount)
        rows += weight
        rowDepths += weight * level
        depth = Math.max(depth, level)
        continue
      }
      const { featureIndex: f, numCategories, leftCategoriesOrThreshold: split } = node.split
      if (!(Number.isInteger(f) && f >= 0)) throw corrupt(`tree ${t} node ${id} splits on feature ${f}`)
      if (!Number.isInteger(numCategories)) {
        throw corrupt(`tree ${t} node ${id} has ${JSON.stringify(numCategories)} categories`)
      }
      featuresRead = Math.max(featuresRead, f + 1)
      if (numCategories < 0) {
        links.push(f, 0)
        values.push(finite(split[0], () => `tree ${t} node ${id}'s threshold`))
      } else {
        links.push(-2 - f, 0)
        values.push(categories.length)
        const flags = new Array<number>(numCategories).fill(0)
        for (const category of split) {
          if (!(Number.isInteger(category) && category >= 0 && category < numCategories)) {
            throw corrupt(`tree ${t} node ${id} sends category ${category} left, of ${numCategories}`)
          }
          flags[category] = 1
        }
        categories.push(numCategories, ...flags)
      }
      // Right is pushed first so the left subtree is laid out right after this node.
      stack.push([node.rightChild, 2 * at + 1, level + 1], [node.leftChild, -1, level + 1])
    }
    if (visited !== treeNodes.length) throw corrupt(`tree ${t} has nodes unreachable from its root`)
    expectedDepths += rows > 0 ? rowDepths / rows : 0
  }

  return {
    numTrees: trees.length,
    numClasses: options.numClasses,
    featuresRead,
    depth,
    expectedDepth: trees.length > 0 ? expectedDepths / trees.length : 0,
    roots: Int32Array.from(roots),
    links: Int32Array.from(links),
    values: Float64Array.from(values),
    categories: Int32Array.from(categories),
    classWeights: Float64Array.from(weights),
  }
}

function leafWeights(stats: readonly number[], options: CompileOptions): number[] {
  if (stats.length !== options.numClasses)
    throw corrupt(`leaf has ${stats.length} class counts, not ${options.numClasses}`)
  for (const count of stats) finite(count, () => 'a leaf class count')
  if (!options.normaliseLeafStats) return [...stats]
  let sum = 0
  for (const count of stats) sum += count
  // Spark skips a tree whose leaf saw no rows; adding zeros is the same.
  return stats.map((count) => (sum === 0 ? 0 : count / sum))
}
