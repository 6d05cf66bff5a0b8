// Runs an ensemble through both evaluators — the reference walk and the WebAssembly module — and checks they agree
// bit for bit.
import assert from 'node:assert/strict'
import { outputWidth, type TreeEnsemble } from '../../src/serving/forest.ts'
import { walkEnsemble } from '../../src/serving/forest-walk.ts'
import { compileEnsembleToWasm, completeLayout } from '../../src/serving/forest-wasm.ts'

/** Scores `rows` rows of `x` both ways, asserts the outputs are the same doubles, returns them. */
export function scoreBoth(ensemble: TreeEnsemble, x: Float64Array, rows: number): Float64Array {
  const stride = x.length / rows
  const width = outputWidth(ensemble)
  const walked = new Float64Array(rows * width)
  walkEnsemble(ensemble).score(x, stride, rows, walked)
  const wasm = compileEnsembleToWasm(ensemble)
  // WebAssembly needs the complete layout (depth ≤ 12, categorical splits over ≤ 32 categories).
  assert.equal(wasm !== undefined, completeLayout(ensemble.forest) !== undefined, 'compiles to wasm')
  if (!wasm) return walked
  const generated = new Float64Array(rows * width).fill(Number.NaN)
  wasm.score(x, stride, rows, generated)
  assert.deepStrictEqual(generated, walked, `wasm ≠ walk on ${rows} rows of ${[...x.slice(0, 40)]}…`)
  return walked
}
