// Compiles a tree ensemble into JavaScript at model load: one function per tree, its splits as nested `if`s with
// the thresholds, category sets and leaf values written in as numeric constants, so V8 turns each tree into
// straight-line compare-and-branch code with no node arrays to load. Each tree function runs over a block of rows
// (tree by tree, block by block), which keeps one tree's machine code and the block's features hot in cache.
// The walk (forest-walk.ts) stays the reference and the fallback for forests too large to compile.
//
// Safety: the code text is built only from the forest's typed arrays (Int32Array feature indexes and category
// flags, Float64Array thresholds and leaf values), which hold numbers and nothing else — compileForest refuses
// non-numbers when it fills them — and every number is written through `literal`, which accepts finite numbers
// only. No string from a model file can reach the text.
import { type EnsembleScorer, LEAF, outputWidth, type TreeEnsemble } from './forest.ts'
import { walkEnsemble } from './forest-walk.ts'
import { compileEnsembleToWasm } from './forest-wasm.ts'

/**
 * Largest tree compiled, in nodes. V8 optimises no function whose bytecode exceeds 60 KB; a tree costs about
 * 16 bytes of bytecode per node, so larger trees would stay in the interpreter, slower than the walk.
 */
export const MAX_COMPILED_TREE_NODES = 3_000
/** Largest forest compiled, in nodes: bounds the code text (about 40 characters per node) and the load time. */
export const MAX_COMPILED_FOREST_NODES = 1_000_000
/** Rows each tree function scores per call: the block's features (10–40 doubles a row) stay in L1. */
export const BLOCK_ROWS = 256

/** Scores rows [from, to) of `x` (row r's features at r * stride) for one tree, adding into `out`. */
type TreeFunction = (x: Float64Array, stride: number, from: number, to: number, out: Float64Array) => void

function literal(value: number): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`not a finite number: ${value}`)
  // String(x) round-trips a double exactly; only the sign of zero would be lost.
  return Object.is(value, -0) ? '-0' : String(value)
}

function index(value: number): string {
  if (!Number.isInteger(value) || value < 0) throw new Error(`not a valid index: ${value}`)
  return String(value)
}

/** The source of tree `t`'s function body, or undefined when it is larger than MAX_COMPILED_TREE_NODES. */
function treeSource(ensemble: TreeEnsemble, t: number): string | undefined {
  const { forest, combine, weights } = ensemble
  const { links, values, categories, classWeights, roots, numTrees, numClasses } = forest
  const root = roots[t] as number
  const end = t + 1 < numTrees ? (roots[t + 1] as number) : values.length
  if (end - root > MAX_COMPILED_TREE_NODES) return undefined
  const weight = combine === 'sum' ? (weights?.[t] ?? 1) : 1
  const used = new Set<number>()

  const leaf = (n: number): string => {
    if (combine !== 'votes') return `out[r] += ${literal((values[n] as number) * weight)};`
    const offset = values[n] as number
    let code = ''
    for (let k = 0; k < numClasses; k++)
      code += `out[j + ${k}] += ${literal(classWeights[offset + k] as number)};`
    return code
  }
  // Spark's rules, as the walk applies them: a continuous split goes left when x <= threshold (never for NaN); a
  // categorical one when x equals one of the left categories (so fractional, negative or unseen values go right).
  const test = (n: number, kind: number): string => {
    if (kind >= 0) {
      used.add(kind)
      return `f${index(kind)} <= ${literal(values[n] as number)}`
    }
    const feature = -2 - kind
    used.add(feature)
    const table = values[n] as number
    const left: string[] = []
    for (let category = 0; category < (categories[table] as number); category++) {
      if (categories[table + 1 + category] === 1) left.push(`f${index(feature)} === ${index(category)}`)
    }
    return left.length > 0 ? left.join(' || ') : 'false'
  }
  const node = (n: number): string => {
    const kind = links[2 * n] as number
    if (kind === LEAF) return leaf(n)
    return `if (${test(n, kind)}) {${node(n + 1)}} else {${node(links[2 * n + 1] as number)}}`
  }

  const body = node(root)
  const features = [...used].map((f) => `f${index(f)} = x[o + ${index(f)}]`)
  const rowStart = [...features, ...(combine === 'votes' ? [`j = r * ${index(numClasses)}`] : [])]
  return [
    "'use strict'",
    'for (let r = from, o = from * stride; r < to; r++, o += stride) {',
    rowStart.length > 0 ? `const ${rowStart.join(', ')};` : '',
    body,
    '}',
  ].join('\n')
}

/** The ensemble as generated code, or undefined when it is too large to compile (then use the walk). */
export function compileEnsemble(ensemble: TreeEnsemble): EnsembleScorer | undefined {
  const { forest, combine } = ensemble
  if (forest.values.length > MAX_COMPILED_FOREST_NODES) return undefined
  const trees: TreeFunction[] = []
  for (let t = 0; t < forest.numTrees; t++) {
    const source = treeSource(ensemble, t)
    if (source === undefined) return undefined
    trees.push(new Function('x', 'stride', 'from', 'to', 'out', source) as TreeFunction)
  }
  const width = outputWidth(ensemble)
  const numTrees = forest.numTrees
  return {
    kind: 'javascript',
    score(x, stride, rows, out) {
      out.fill(0, 0, rows * width)
      for (let from = 0; from < rows; from += BLOCK_ROWS) {
        const to = Math.min(rows, from + BLOCK_ROWS)
        for (const tree of trees) tree(x, stride, from, to, out)
      }
      if (combine === 'mean') for (let r = 0; r < rows; r++) out[r] = (out[r] as number) / numTrees
    },
  }
}

/**
 * The fastest evaluator for the ensemble, as measured (bench/evaluator.ts): the WebAssembly module whenever the
 * forest has a complete layout — also for forests whose rows end well above the deepest leaf (the default peak-hour
 * forest, rows ending at depth 5.5 of 10: 1.5 M rows/s against 0.9 M for the JavaScript, which stops at the leaf but
 * mispredicts; chains of depth 6–12 whose rows end after about 4 levels: 2.1–5.2 M against 1.7–2.1 M) — else the
 * generated JavaScript, else the walk.
 */
export function bindEnsemble(ensemble: TreeEnsemble): EnsembleScorer {
  return compileEnsembleToWasm(ensemble) ?? compileEnsemble(ensemble) ?? walkEnsemble(ensemble)
}
