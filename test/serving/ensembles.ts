// Runs an ensemble through every evaluator — the reference walk, the generated JavaScript and the WebAssembly
// module — and checks they agree bit for bit.
import assert from 'node:assert/strict'
import { outputWidth, type TreeEnsemble } from '../../src/serving/forest.ts'
import { compileEnsemble } from '../../src/serving/forest-codegen.ts'
import { completeLayout, walkEnsemble } from '../../src/serving/forest-walk.ts'
import { compileEnsembleToWasm } from '../../src/serving/forest-wasm.ts'

/** Scores `rows` rows of `x` every way the ensemble allows, asserts the outputs are the same doubles, returns them. */
export function scoreBoth(ensemble: TreeEnsemble, x: Float64Array, rows: number): Float64Array {
  const stride = x.length / rows
  const width = outputWidth(ensemble)
  const walked = new Float64Array(rows * width)
  walkEnsemble(ensemble).score(x, stride, rows, walked)
  const compiled = { javascript: compileEnsemble(ensemble), wasm: compileEnsembleToWasm(ensemble) }
  // WebAssembly needs the complete layout (depth ≤ 12, categorical splits over ≤ 32 categories).
  const expected = { javascript: true, wasm: completeLayout(ensemble.forest) !== undefined }
  for (const [name, scorer] of Object.entries(compiled)) {
    assert.equal(scorer !== undefined, expected[name as keyof typeof expected], `compiles to ${name}`)
    if (!scorer) continue
    const generated = new Float64Array(rows * width).fill(Number.NaN)
    scorer.score(x, stride, rows, generated)
    assert.deepStrictEqual(generated, walked, `${name} ≠ walk on ${rows} rows of ${[...x.slice(0, 40)]}…`)
  }
  return walked
}
