// The reference evaluator of a compiled forest: per row and tree, a walk over the preorder arrays from the root to
// a leaf, the leaves then summed in tree order as Spark does, so results are bit-identical to Spark's. The compiled
// path (forest-wasm.ts) is tested against it bit for bit, and it serves the forests too large to compile.
import { type CompiledForest, type EnsembleScorer, LEAF, outputWidth, type TreeEnsemble } from './forest.ts'

/** Writes, for each tree, its leaf's value (prediction, or where its class weights start) into `out`. */
export type LeafCollector = (x: Float64Array, out: Float64Array) => void

function leafOf({ links, values, categories }: CompiledForest, root: number, x: Float64Array): number {
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

export function pointerWalk(forest: CompiledForest): LeafCollector {
  const { roots, values, numTrees } = forest
  return (x, out) => {
    for (let t = 0; t < numTrees; t++) out[t] = values[leafOf(forest, roots[t] as number, x)] as number
  }
}

/** The reference evaluator (and the fallback for forests too large to compile): one walk per row and tree. */
export function walkEnsemble(ensemble: TreeEnsemble): EnsembleScorer {
  const { forest, combine, weights } = ensemble
  const collect = pointerWalk(forest)
  const { classWeights, numClasses, numTrees } = forest
  const width = outputWidth(ensemble)
  const leaves = new Float64Array(numTrees)
  return {
    kind: 'walk',
    score(x, stride, rows, out) {
      for (let r = 0; r < rows; r++) {
        collect(x.subarray(r * stride, (r + 1) * stride), leaves)
        const at = r * width
        if (combine === 'votes') {
          out.fill(0, at, at + width)
          for (let t = 0; t < numTrees; t++) {
            const offset = leaves[t] as number
            for (let k = 0; k < numClasses; k++)
              out[at + k] = (out[at + k] as number) + (classWeights[offset + k] as number)
          }
          continue
        }
        let sum = 0
        if (combine === 'mean') {
          for (let t = 0; t < numTrees; t++) sum += leaves[t] as number
          out[at] = sum / numTrees
        } else {
          for (let t = 0; t < numTrees; t++) sum += (leaves[t] as number) * (weights?.[t] ?? 1)
          out[at] = sum
        }
      }
    },
  }
}
