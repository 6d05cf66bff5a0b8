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
  readonly roots: Int32Array
  readonly links: Int32Array
  readonly values: Float64Array
  readonly categories: Int32Array
  readonly classWeights: Float64Array
}

const LEAF = -1

export interface CompileOptions {
  numClasses: number
  /** Forests normalise each leaf's class counts (votes of one tree sum to 1); a single tree keeps raw counts. */
  normaliseLeafStats: boolean
}

function corrupt(reason: string): TrafficError {
  return new TrafficError('MODEL_UNSUPPORTED', `Tree data is not a valid Spark tree: ${reason}`)
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

  for (const [t, treeNodes] of trees.entries()) {
    const byId = new Map(treeNodes.map((node) => [node.id, node]))
    if (byId.size !== treeNodes.length) throw corrupt(`tree ${t} repeats node ids`)
    let visited = 0
    // Preorder with an explicit stack: [node id, where its parent's right link goes, or −1].
    const stack: [number, number][] = [[0, -1]]
    roots.push(values.length)
    while (stack.length > 0) {
      const [id, parentSlot] = stack.pop() as [number, number]
      const node = byId.get(id)
      if (!node) throw corrupt(`tree ${t} refers to missing node ${id}`)
      if (++visited > treeNodes.length) throw corrupt(`tree ${t} has a cycle`)
      const at = values.length
      if (parentSlot >= 0) links[parentSlot] = at
      if (node.leftChild < 0) {
        const value = options.numClasses > 0 ? weights.length : node.prediction
        if (options.numClasses > 0) weights.push(...leafWeights(node.impurityStats, options))
        links.push(LEAF, 0)
        values.push(value)
        continue
      }
      const { featureIndex: f, numCategories, leftCategoriesOrThreshold: split } = node.split
      if (!(f >= 0)) throw corrupt(`tree ${t} node ${id} splits on feature ${f}`)
      featuresRead = Math.max(featuresRead, f + 1)
      if (numCategories < 0) {
        links.push(f, 0)
        values.push(split[0] as number)
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
      stack.push([node.rightChild, 2 * at + 1], [node.leftChild, -1])
    }
    if (visited !== treeNodes.length) throw corrupt(`tree ${t} has nodes unreachable from its root`)
  }

  return {
    numTrees: trees.length,
    numClasses: options.numClasses,
    featuresRead,
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
  if (!options.normaliseLeafStats) return [...stats]
  let sum = 0
  for (const count of stats) sum += count
  // Spark skips a tree whose leaf saw no rows; adding zeros is the same.
  return stats.map((count) => (sum === 0 ? 0 : count / sum))
}

/** The leaf that `x` reaches in the tree whose root is node `root`. */
export function findLeaf(forest: CompiledForest, root: number, x: Float64Array): number {
  const { links, values, categories } = forest
  let n = root
  for (;;) {
    const kind = links[2 * n] as number
    if (kind >= 0) {
      n = (x[kind] as number) <= (values[n] as number) ? n + 1 : (links[2 * n + 1] as number)
    } else if (kind === LEAF) {
      return n
    } else {
      const value = x[-2 - kind] as number
      const table = values[n] as number
      const category = value | 0
      const goesLeft =
        category === value &&
        category >= 0 &&
        category < (categories[table] as number) &&
        categories[table + 1 + category] === 1
      n = goesLeft ? n + 1 : (links[2 * n + 1] as number)
    }
  }
}

/** Regression: the mean of the trees' leaf predictions, summed in tree order as Spark does. */
export function predictMean(forest: CompiledForest, x: Float64Array): number {
  const { roots, values, numTrees } = forest
  let sum = 0
  for (let t = 0; t < numTrees; t++) sum += values[findLeaf(forest, roots[t] as number, x)] as number
  return sum / numTrees
}

/** Classification: writes the summed class weights (Spark's rawPrediction) into `votes`. */
export function sumVotes(forest: CompiledForest, x: Float64Array, votes: Float64Array): void {
  const { roots, values, classWeights, numTrees, numClasses } = forest
  votes.fill(0)
  for (let t = 0; t < numTrees; t++) {
    const offset = values[findLeaf(forest, roots[t] as number, x)] as number
    for (let k = 0; k < numClasses; k++)
      votes[k] = (votes[k] as number) + (classWeights[offset + k] as number)
  }
}
