// Decision trees compiled to flat typed arrays (one set for the whole forest), walked with Spark's rules:
// a continuous split goes left when x <= threshold; a categorical split goes left when x is one of the left
// categories. Regression averages the leaves' predictions in tree order; classification sums, in tree order,
// each leaf's class weights (impurityStats normalised per tree for forests, raw for a single decision tree).
import { TrafficError } from '../errors.ts'

/** One node as Spark saves it (`NodeData` in tree models' Parquet data). */
export interface TreeNode {
  id: number
  prediction: number
  impurityStats: number[]
  leftChild: number
  rightChild: number
  /** featureIndex −1 on leaves; numCategories −1 for continuous splits (then the list holds the threshold). */
  split: { featureIndex: number; leftCategoriesOrThreshold: number[]; numCategories: number }
}

export interface CompiledForest {
  readonly numTrees: number
  /** 0 for regression. */
  readonly numClasses: number
  /** Highest feature index any split reads, +1. */
  readonly featuresRead: number
  readonly roots: Int32Array
  /** Per node: feature index, or −1 on a leaf. */
  readonly feature: Int32Array
  readonly threshold: Float64Array
  /** Per node: start of its left-category flags in `leftCategory`, or −1 for a continuous split. */
  readonly categoryOffset: Int32Array
  readonly categoryCount: Int32Array
  /** 1 where category k of a categorical split goes left. */
  readonly leftCategory: Uint8Array
  readonly left: Int32Array
  readonly right: Int32Array
  /** Per leaf: the prediction (regression) or the start of its class weights in `classWeights`. */
  readonly leafValue: Float64Array
  readonly classWeights: Float64Array
}

export interface CompileOptions {
  numClasses: number
  /** Forests normalise each leaf's class counts (votes of one tree sum to 1); a single tree keeps raw counts. */
  normaliseLeafStats: boolean
}

function corrupt(reason: string): TrafficError {
  return new TrafficError('MODEL_UNSUPPORTED', `Tree data is not a valid Spark tree: ${reason}`)
}

/** `trees[t]` holds the nodes of tree t in any order; node ids must be 0…n−1 (Spark numbers them in preorder). */
export function compileForest(
  trees: readonly (readonly TreeNode[])[],
  options: CompileOptions,
): CompiledForest {
  const total = trees.reduce((sum, nodes) => sum + nodes.length, 0)
  const feature = new Int32Array(total)
  const threshold = new Float64Array(total)
  const categoryOffset = new Int32Array(total).fill(-1)
  const categoryCount = new Int32Array(total)
  const left = new Int32Array(total).fill(-1)
  const right = new Int32Array(total).fill(-1)
  const leafValue = new Float64Array(total)
  const roots = new Int32Array(trees.length)
  const categoryFlags: number[] = []
  const weights: number[] = []
  let featuresRead = 0
  let base = 0

  trees.forEach((nodes, t) => {
    roots[t] = base
    const count = nodes.length
    if (count === 0) throw corrupt(`tree ${t} has no nodes`)
    for (const node of nodes) {
      if (!Number.isInteger(node.id) || node.id < 0 || node.id >= count)
        throw corrupt(`tree ${t} node id ${node.id}`)
      const n = base + node.id
      const f = node.split.featureIndex
      feature[n] = node.leftChild < 0 ? -1 : f
      if (node.leftChild < 0) {
        leafValue[n] = options.numClasses > 0 ? weights.length : node.prediction
        if (options.numClasses > 0) weights.push(...leafWeights(node.impurityStats, options))
        continue
      }
      for (const child of [node.leftChild, node.rightChild]) {
        if (!Number.isInteger(child) || child < 0 || child >= count)
          throw corrupt(`tree ${t} child id ${child}`)
      }
      if (f < 0) throw corrupt(`tree ${t} node ${node.id} splits on feature ${f}`)
      featuresRead = Math.max(featuresRead, f + 1)
      left[n] = base + node.leftChild
      right[n] = base + node.rightChild
      const { numCategories, leftCategoriesOrThreshold: values } = node.split
      if (numCategories < 0) {
        threshold[n] = values[0] as number
      } else {
        categoryOffset[n] = categoryFlags.length
        categoryCount[n] = numCategories
        const flags = new Array<number>(numCategories).fill(0)
        for (const category of values) flags[category] = 1
        categoryFlags.push(...flags)
      }
    }
    base += count
  })

  return {
    numTrees: trees.length,
    numClasses: options.numClasses,
    featuresRead,
    roots,
    feature,
    threshold,
    categoryOffset,
    categoryCount,
    leftCategory: Uint8Array.from(categoryFlags),
    left,
    right,
    leafValue,
    classWeights: Float64Array.from(weights),
  }
}

function leafWeights(stats: readonly number[], options: CompileOptions): number[] {
  if (stats.length !== options.numClasses)
    throw corrupt(`leaf has ${stats.length} class counts, not ${options.numClasses}`)
  if (!options.normaliseLeafStats) return [...stats]
  let sum = 0
  for (const count of stats) sum += count
  // Spark skips a tree whose leaf saw no rows; adding zeros is the same.
  return stats.map((count) => (sum === 0 ? 0 : count / sum))
}

/** Index of the leaf that `x` reaches in the tree rooted at `root`. */
export function findLeaf(forest: CompiledForest, root: number, x: Float64Array): number {
  const { feature, threshold, categoryOffset, categoryCount, leftCategory, left, right } = forest
  let n = root
  let f = feature[n] as number
  while (f >= 0) {
    const value = x[f] as number
    const offset = categoryOffset[n] as number
    if (offset < 0) {
      n = value <= (threshold[n] as number) ? (left[n] as number) : (right[n] as number)
    } else {
      const category = value | 0
      const isLeft = category === value && category >= 0 && category < (categoryCount[n] as number)
      n = isLeft && leftCategory[offset + category] === 1 ? (left[n] as number) : (right[n] as number)
    }
    f = feature[n] as number
  }
  return n
}

/** Regression: the mean of the trees' leaf predictions, summed in tree order as Spark does. */
export function predictMean(forest: CompiledForest, x: Float64Array): number {
  const { roots, leafValue, numTrees } = forest
  let sum = 0
  for (let t = 0; t < numTrees; t++) sum += leafValue[findLeaf(forest, roots[t] as number, x)] as number
  return sum / numTrees
}

/** Classification: writes the summed class weights (Spark's rawPrediction) into `votes`. */
export function sumVotes(forest: CompiledForest, x: Float64Array, votes: Float64Array): void {
  const { roots, leafValue, classWeights, numTrees, numClasses } = forest
  votes.fill(0)
  for (let t = 0; t < numTrees; t++) {
    const offset = leafValue[findLeaf(forest, roots[t] as number, x)] as number
    for (let k = 0; k < numClasses; k++)
      votes[k] = (votes[k] as number) + (classWeights[offset + k] as number)
  }
}
