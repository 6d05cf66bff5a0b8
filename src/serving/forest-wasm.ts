// Compiles a tree ensemble into a WebAssembly module at model load: the one compiled evaluator. The trees are laid
// out complete (no node pointers: every tree padded to the forest's depth, children of slot i at 2i+1 and 2i+2) in
// the module's memory, and the code is generated for this forest: the tree walks fully unrolled (depth levels,
// then the leaf), eight trees side by side, every table address a constant, each level a branch-free step
// (slot = 2 slot + 2 − goesLeft). No branch depends on the data, so nothing is mispredicted (a pointer walk
// mispredicts about half its branches), and the eight independent walks keep the CPU busy while each waits for
// its loads; this also wins on forests whose rows end well above the deepest leaf. A split's threshold, feature
// and category mask share one 16-byte record; a categorical test is one AND of that mask with the row's category
// bit for the feature, computed once per row and feature before the walk.
//
// Safety: the module is bytes built by this file from numbers only — opcodes, and integers (feature indexes,
// depths, table addresses) and doubles read from the forest's typed arrays, which compileForest fills with
// validated finite numbers. Nothing from a model file is ever parsed as code.
import { type CompiledForest, type EnsembleScorer, LEAF, type TreeEnsemble } from './forest.ts'

/** Deepest forest laid out complete: 2^depth slots a tree. */
export const MAX_COMPLETE_DEPTH = 12
/** Categories a categorical split may have: its left set is a 32-bit mask. */
const MASK_BITS = 32
/** Trees walked side by side: enough independent loads in flight to hide their latency. */
const INTERLEAVE = 8
/** Rows per call into the module. */
export const WASM_BLOCK_ROWS = 512
/** Largest forest compiled, in complete-layout slots (16-byte records, 8-byte leaves): bounds the module's memory. */
export const MAX_WASM_SLOTS = 4_000_000
const PAGE = 65_536

/**
 * Every tree padded to the forest's depth D and stored level by level, the children of slot i at 2i+1 and 2i+2:
 * `feature` holds the split feature, or ~feature for a categorical split; `test` the threshold, or the bit mask of
 * the left categories. A leaf above depth D becomes a split whose two subtrees are copies of it (so the way taken
 * does not matter), down to the bottom row, `leaf`, which holds the leaf values. Tree t's slots start at t * inner,
 * its leaves at t * width.
 */
export interface CompleteLayout {
  depth: number
  inner: number
  width: number
  feature: Int32Array
  test: Float64Array
  leaf: Float64Array
}

/** The forest in the complete layout, or undefined when deeper than 12 or with a split over > 32 categories. */
export function completeLayout(forest: CompiledForest): CompleteLayout | undefined {
  const { links, values, categories, roots, numTrees, depth } = forest
  if (depth > MAX_COMPLETE_DEPTH) return undefined
  const inner = 2 ** depth - 1
  const width = 2 ** depth
  const feature = new Int32Array(numTrees * inner)
  const test = new Float64Array(numTrees * inner)
  const leaf = new Float64Array(numTrees * width)
  const place = (tree: number, n: number, slot: number, level: number): boolean => {
    const kind = links[2 * n] as number
    if (level === depth) {
      leaf[tree * width + slot - inner] = values[n] as number
      return true
    }
    const at = tree * inner + slot
    let left = n + 1
    let right = links[2 * n + 1] as number
    if (kind === LEAF) {
      test[at] = Number.POSITIVE_INFINITY
      left = n
      right = n
    } else if (kind >= 0) {
      feature[at] = kind
      test[at] = values[n] as number
    } else {
      const table = values[n] as number
      const count = categories[table] as number
      if (count > MASK_BITS) return false
      let mask = 0
      for (let category = 0; category < count; category++) {
        if (categories[table + 1 + category] === 1) mask |= 1 << category
      }
      feature[at] = ~(-2 - kind)
      test[at] = mask >>> 0
    }
    return place(tree, left, 2 * slot + 1, level + 1) && place(tree, right, 2 * slot + 2, level + 1)
  }
  for (let t = 0; t < numTrees; t++) if (!place(t, roots[t] as number, 0, 0)) return undefined
  return { depth, inner, width, feature, test, leaf }
}

const op = {
  block: 0x02,
  loop: 0x03,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i32Load: 0x28,
  f64Load: 0x2b,
  f64Store: 0x39,
  i32Const: 0x41,
  i32Ne: 0x47,
  f64Const: 0x44,
  i32GeU: 0x4f,
  f64Le: 0x65,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Mul: 0x6c,
  i32And: 0x71,
  i32Or: 0x72,
  i32Shl: 0x74,
  i32ShrU: 0x76,
  f64Add: 0xa0,
  i32TruncF64S: 0xaa,
} as const
const I32 = 0x7f
const F64 = 0x7c

function unsigned(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) throw new Error(`not a u32: ${value}`)
  const bytes: number[] = []
  let rest = value
  do {
    const byte = rest % 128
    rest = Math.floor(rest / 128)
    bytes.push(rest > 0 ? byte | 0x80 : byte)
  } while (rest > 0)
  return bytes
}

function signed(value: number): number[] {
  if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
    throw new Error(`not an i32: ${value}`)
  const bytes: number[] = []
  let rest = value
  for (;;) {
    const byte = rest & 0x7f
    rest >>= 7
    const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0)
    bytes.push(done ? byte : byte | 0x80)
    if (done) return bytes
  }
}

const section = (id: number, body: number[]) => [id, ...unsigned(body.length), ...body]
const vector = (items: number[][]) => [...unsigned(items.length), ...items.flat()]
const text = (name: string) => vector([...name].map((char) => [char.charCodeAt(0)]))
/** A load or store at the address on the stack plus a constant offset. */
const memory = (code: number, align: number, offset: number) => [code, align, ...unsigned(offset)]

/**
 * Where each table sits in the module's memory, in bytes. Each complete-layout slot is a 16-byte record: the
 * threshold (f64, NaN on a categorical split, so that `x <= threshold` is false), the byte offset of its feature in
 * a row (i32), and the bit mask of its left categories (i32, 0 on a continuous split). One address reaches all three.
 */
interface Addresses {
  slots: number
  leaf: number
  classWeights: number
  /** A block of rows' features, row after row at the instance's stride. */
  rows: number
  /**
   * The rows' category bits, laid out as the features (8 bytes each) so that a feature's bit sits at a constant
   * distance from its value: an i32 with bit c set when the value is the whole number c < 32, else 0.
   */
  categoryBits: number
  /** The block's outputs. */
  outputs: number
  end: number
}

const SLOT_BYTES = 16
const FEATURE_AT = 8
const MASK_AT = 12

function addressesOf(
  layout: CompleteLayout,
  forest: CompiledForest,
  stride: number,
  width: number,
): Addresses {
  const slots = 0
  const leaf = slots + SLOT_BYTES * layout.feature.length
  const classWeights = leaf + 8 * layout.leaf.length
  const rows = classWeights + 8 * forest.classWeights.length
  const categoryBits = rows + 8 * WASM_BLOCK_ROWS * stride
  const outputs = categoryBits + 8 * WASM_BLOCK_ROWS * stride
  return {
    slots,
    leaf,
    classWeights,
    rows,
    categoryBits,
    outputs,
    end: outputs + 8 * WASM_BLOCK_ROWS * width,
  }
}

/** The complete layout's slots as the module's records (see Addresses). */
function slotRecords(layout: CompleteLayout): ArrayBuffer {
  const buffer = new ArrayBuffer(SLOT_BYTES * layout.feature.length)
  const doubles = new Float64Array(buffer)
  const ints = new Int32Array(buffer)
  for (let i = 0; i < layout.feature.length; i++) {
    const coded = layout.feature[i] as number
    const categorical = coded < 0
    doubles[2 * i] = categorical ? Number.NaN : (layout.test[i] as number)
    ints[4 * i + 2] = 8 * (categorical ? ~coded : coded)
    ints[4 * i + 3] = categorical ? (layout.test[i] as number) | 0 : 0
  }
  return buffer
}

// Locals: the parameters, then the row loop's, then one slot per interleaved tree.
const X = 0 // byte address of row 0's features
const STRIDE = 1 // bytes per row of features
const ROWS = 2
const OUT = 3 // byte address of row 0's outputs
const ROW = 4 // byte address of this row's features
const AT = 5 // byte address of this row's outputs
const R = 6
const CODED = 7
const ADDRESS = 8 // of the feature a split reads
const SLOT = 9 // INTERLEAVE of them, each the byte offset of the tree's current record from the tree's first
const SUM = SLOT + INTERLEAVE // f64, one per output: the row's outputs so far

/** Whether any slot of tree t at this level splits on a category (else the level needs only the threshold test). */
function hasCategorical(layout: CompleteLayout, tree: number, level: number): boolean {
  const first = tree * layout.inner + 2 ** level - 1
  for (let i = first; i < first + 2 ** level; i++) if ((layout.feature[i] as number) < 0) return true
  return false
}

/**
 * Whether x goes left at the record of local `slot` (offset by `base`), as an i32 0 or 1: x <= threshold, or the
 * feature's category bit is in the split's mask. The categorical test is left out on levels without one.
 */
function goesLeft(at: Addresses, base: number, slot: number, categorical: boolean): number[] {
  const address = [
    op.localGet,
    ROW,
    op.localGet,
    slot,
    ...memory(op.i32Load, 2, base + FEATURE_AT),
    op.i32Add,
  ]
  const inRange = [...memory(op.f64Load, 3, 0), op.localGet, slot, ...memory(op.f64Load, 3, base), op.f64Le]
  if (!categorical) return [...address, ...inRange]
  const member = [
    op.localGet,
    ADDRESS,
    ...memory(op.i32Load, 2, at.categoryBits - at.rows),
    op.localGet,
    slot,
    ...memory(op.i32Load, 2, base + MASK_AT),
    op.i32And,
    op.i32Const,
    0,
    op.i32Ne,
  ]
  return [...address, op.localTee, ADDRESS, ...inRange, ...member, op.i32Or]
}

/**
 * One level down for tree t, without branching: from record i to 2i+1 when x goes left, else 2i+2 — in bytes,
 * slot = 2 slot + 32 − 16 goesLeft. The root's record is known (slot 0), so its feature offset and threshold are
 * written into the code as constants.
 */
function step(layout: CompleteLayout, at: Addresses, t: number, level: number, slot: number): number[] {
  const base = at.slots + SLOT_BYTES * t * layout.inner
  const root = t * layout.inner
  const coded = layout.feature[root] as number
  if (level === 0 && coded >= 0) {
    return [
      op.i32Const,
      32,
      op.localGet,
      ROW,
      ...memory(op.f64Load, 3, 8 * coded),
      op.f64Const,
      ...f64Bytes(layout.test[root] as number),
      op.f64Le,
      op.i32Const,
      4,
      op.i32Shl,
      op.i32Sub,
      op.localSet,
      slot,
    ]
  }
  return [
    op.localGet,
    slot,
    op.i32Const,
    1,
    op.i32Shl,
    op.i32Const,
    32,
    op.i32Add,
    ...goesLeft(at, base, slot, hasCategorical(layout, t, level)),
    op.i32Const,
    4,
    op.i32Shl,
    op.i32Sub,
    op.localSet,
    slot,
  ]
}

/** The 8 little-endian bytes of a threshold: finite, or +Infinity in a leaf's padding. */
function f64Bytes(value: number): number[] {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new Error(`not a threshold: ${value}`)
  return [...new Uint8Array(Float64Array.of(value).buffer)]
}

/**
 * Tree t's leaf (local `slot` at the bottom row holds 16 × its complete-layout index, so half of it is 8 × that,
 * the leaf's byte offset plus 8 × inner): its value, or, for votes, where its class weights start.
 */
function leafValue(layout: CompleteLayout, at: Addresses, t: number, slot: number): number[] {
  const address = at.leaf + 8 * (t * layout.width - layout.inner)
  return [op.localGet, slot, op.i32Const, 1, op.i32ShrU, ...memory(op.f64Load, 3, address)]
}

/** Adds tree t's leaf to the row's sum, or its class weights to the row's class totals. */
function addLeaf(
  ensemble: TreeEnsemble,
  layout: CompleteLayout,
  at: Addresses,
  t: number,
  slot: number,
): number[] {
  if (ensemble.combine !== 'votes') {
    return [op.localGet, SUM, ...leafValue(layout, at, t, slot), op.f64Add, op.localSet, SUM]
  }
  // The leaf holds where its class weights start.
  const code = [
    ...leafValue(layout, at, t, slot),
    op.i32TruncF64S,
    op.i32Const,
    3,
    op.i32Shl,
    op.localSet,
    CODED,
  ]
  for (let k = 0; k < ensemble.forest.numClasses; k++) {
    code.push(op.localGet, SUM + k, op.localGet, CODED, ...memory(op.f64Load, 3, at.classWeights + 8 * k))
    code.push(op.f64Add, op.localSet, SUM + k)
  }
  return code
}

/**
 * score(x, stride, rows, out): adds each tree's output for rows [0, rows) into `out` (zeroed by the caller), tree
 * group by tree group — all rows through eight trees, then the next eight — so the tables being walked stay in
 * cache. Each row's outputs still get their trees' values in tree order: the same doubles as the walk's. A row's
 * outputs are kept in locals across its group's trees (one load and one store per group and output).
 */
function scoreFunction(ensemble: TreeEnsemble, layout: CompleteLayout, at: Addresses): number[] {
  const { forest, combine } = ensemble
  const width = combine === 'votes' ? forest.numClasses : 1
  const body: number[] = []
  for (let first = 0; first < forest.numTrees; first += INTERLEAVE) {
    const group = Array.from({ length: Math.min(INTERLEAVE, forest.numTrees - first) }, (_, j) => first + j)
    // for (r = 0; r < rows; r++) { row = x + r * stride; at = out + r * width * 8; … }
    body.push(op.i32Const, 0, op.localSet, R, op.block, 0x40, op.loop, 0x40)
    body.push(op.localGet, R, op.localGet, ROWS, op.i32GeU, op.brIf, 1)
    body.push(op.localGet, X, op.localGet, R, op.localGet, STRIDE, op.i32Mul, op.i32Add, op.localSet, ROW)
    body.push(op.localGet, OUT, op.localGet, R, op.i32Const, ...signed(8 * width), op.i32Mul, op.i32Add)
    body.push(op.localSet, AT)
    for (const [j] of group.entries()) body.push(op.i32Const, 0, op.localSet, SLOT + j)
    for (let level = 0; level < layout.depth; level++) {
      for (const [j, t] of group.entries()) body.push(...step(layout, at, t, level, SLOT + j))
    }
    for (let k = 0; k < width; k++)
      body.push(op.localGet, AT, ...memory(op.f64Load, 3, 8 * k), op.localSet, SUM + k)
    for (const [j, t] of group.entries()) body.push(...addLeaf(ensemble, layout, at, t, SLOT + j))
    for (let k = 0; k < width; k++)
      body.push(op.localGet, AT, op.localGet, SUM + k, ...memory(op.f64Store, 3, 8 * k))
    body.push(op.localGet, R, op.i32Const, 1, op.i32Add, op.localSet, R, op.br, 0, op.end, op.end)
  }
  body.push(op.end)
  const locals = vector([
    [...unsigned(5 + INTERLEAVE), I32], // ROW, AT, R, CODED, ADDRESS, the slots
    [...unsigned(width), F64], // the sums
  ])
  const code = [...locals, ...body]
  return [...unsigned(code.length), ...code]
}

function moduleBytes(
  ensemble: TreeEnsemble,
  layout: CompleteLayout,
  at: Addresses,
  pages: number,
): Uint8Array<ArrayBuffer> {
  const type = [0x60, ...vector([[I32], [I32], [I32], [I32]]), ...vector([])]
  return Uint8Array.from([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00,
    ...section(1, vector([type])),
    ...section(2, vector([[...text('env'), ...text('memory'), 0x02, 0x00, ...unsigned(pages)]])),
    ...section(3, vector([[0]])),
    ...section(7, vector([[...text('score'), 0x00, 0]])),
    ...section(10, vector([scoreFunction(ensemble, layout, at)])),
  ])
}

/** Bit c for a value that is the whole number c < 32 (Spark's categorical rule: others go right), else 0. */
function categoryBit(value: number): number {
  const category = value | 0
  return category === value && category >= 0 && category < 32 ? 1 << category : 0
}

/** The ensemble as a WebAssembly module, or undefined when it has no complete layout or is too large. */
export function compileEnsembleToWasm(ensemble: TreeEnsemble): EnsembleScorer | undefined {
  const { forest, combine, weights } = ensemble
  const layout = completeLayout(forest)
  if (!layout || layout.feature.length + layout.leaf.length > MAX_WASM_SLOTS) return undefined
  const width = combine === 'votes' ? forest.numClasses : 1
  const leaves = Float64Array.from(layout.leaf, (value, i) =>
    combine === 'sum' ? value * (weights?.[Math.floor(i / layout.width)] ?? 1) : value,
  )
  const records = slotRecords(layout)
  const categorical = [...new Set(layout.feature.filter((coded) => coded < 0).map((coded) => ~coded))]
  let at = addressesOf(layout, forest, 0, width)
  let input = new Float64Array(0)
  let bits = new Int32Array(0)
  let output = new Float64Array(0)
  let score = (_x: number, _stride: number, _rows: number, _out: number): void => undefined
  /** A module instance whose memory holds the tables and blocks of rows of `stride` features, and their outputs. */
  const instantiate = (stride: number) => {
    at = addressesOf(layout, forest, stride, width)
    const memory = new WebAssembly.Memory({ initial: Math.ceil(at.end / PAGE) })
    const buffer = memory.buffer
    new Uint8Array(buffer, at.slots, records.byteLength).set(new Uint8Array(records))
    new Float64Array(buffer, at.leaf, leaves.length).set(leaves)
    new Float64Array(buffer, at.classWeights, forest.classWeights.length).set(forest.classWeights)
    input = new Float64Array(buffer, at.rows, WASM_BLOCK_ROWS * stride)
    bits = new Int32Array(buffer, at.categoryBits, 2 * WASM_BLOCK_ROWS * stride)
    output = new Float64Array(buffer, at.outputs, WASM_BLOCK_ROWS * width)
    const module = new WebAssembly.Module(moduleBytes(ensemble, layout, at, buffer.byteLength / PAGE))
    score = new WebAssembly.Instance(module, { env: { memory } }).exports.score as typeof score
  }
  let instanceStride = -1
  return {
    kind: 'wasm',
    score(x, stride, rows, out) {
      if (stride !== instanceStride) {
        instantiate(stride)
        instanceStride = stride
      }
      for (let from = 0; from < rows; from += WASM_BLOCK_ROWS) {
        const count = Math.min(WASM_BLOCK_ROWS, rows - from)
        input.set(x.subarray(from * stride, (from + count) * stride))
        for (const feature of categorical) {
          for (let r = 0, i = feature; r < count; r++, i += stride)
            bits[2 * i] = categoryBit(input[i] as number)
        }
        output.fill(0, 0, count * width)
        score(at.rows, 8 * stride, count, at.outputs)
        out.set(output.subarray(0, count * width), from * width)
      }
      if (combine === 'mean') for (let r = 0; r < rows; r++) out[r] = (out[r] as number) / forest.numTrees
    },
  }
}
