// Which evaluator scores a model's trees: the WebAssembly module whenever the forest has a complete layout and fits
// its memory bound (every default model), else the reference walk.
import type { EnsembleScorer, TreeEnsemble } from './forest.ts'
import { walkEnsemble } from './forest-walk.ts'
import { compileEnsembleToWasm } from './forest-wasm.ts'

export function pickScorer(ensemble: TreeEnsemble): EnsembleScorer {
  return compileEnsembleToWasm(ensemble) ?? walkEnsemble(ensemble)
}
