// How training splits its rows, in one place, so that a later comparison can take exactly the held-out rows a
// training evaluated on: the same rows read the same way split the same way (randomSplit sorts each partition
// before sampling, so the split is deterministic for a seed).
import type { DataFrame } from '../spark/index.ts'
import { HOLDOUT_FRACTION, type ModelSpec, SPLIT_SEED, SPLIT_WEIGHTS } from './model-specs.ts'

/** The seed's three-way split: part i is model i's. */
export function modelParts(rows: DataFrame): DataFrame[] {
  return rows.randomSplit([...SPLIT_WEIGHTS], SPLIT_SEED)
}

/** A model's part of the rows, split into its training rows and its held-out rows. */
export function holdOut(part: DataFrame, seed: number): { train: DataFrame; heldOut: DataFrame } {
  const [train, heldOut] = part.randomSplit([1 - HOLDOUT_FRACTION, HOLDOUT_FRACTION], seed)
  return { train: train as DataFrame, heldOut: heldOut as DataFrame }
}

/** The held-out rows of `model` among `rows`, as a training with `seed` on the same rows held them out. */
export function heldOutRows(rows: DataFrame, model: ModelSpec, seed: number): DataFrame {
  return holdOut(modelParts(rows)[model.part] as DataFrame, seed).heldOut
}
