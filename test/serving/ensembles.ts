// Runs an ensemble through both evaluators — the reference walk and the generated code — and checks they agree.
import assert from 'node:assert/strict'
import { outputWidth, type TreeEnsemble } from '../../src/serving/forest.ts'
import { compileEnsemble } from '../../src/serving/forest-codegen.ts'
import { walkEnsemble } from '../../src/serving/forest-walk.ts'

/** Scores `rows` rows of `x` both ways, asserts the outputs are identical (same doubles), returns them. */
export function scoreBoth(ensemble: TreeEnsemble, x: Float64Array, rows: number): Float64Array {
  const stride = x.length / rows
  const width = outputWidth(ensemble)
  const walked = new Float64Array(rows * width)
  walkEnsemble(ensemble).score(x, stride, rows, walked)
  const compiled = compileEnsemble(ensemble)
  assert.ok(compiled, 'the ensemble compiles')
  const generated = new Float64Array(rows * width).fill(Number.NaN)
  compiled.score(x, stride, rows, generated)
  assert.deepStrictEqual(
    generated,
    walked,
    `generated code ≠ walk on ${rows} rows of ${[...x.slice(0, 40)]}…`,
  )
  return walked
}
