// Feature importances by name. The forest reports one importance per slot of the assembled vector; the
// vector's own ML attributes (`ml_attr`, written by the VectorAssembler) name each slot, and each slot comes
// from one source column (an index or a one-hot category of a text column, or a numeric column).

import type { ColumnName } from '../contract/columns.ts'
import { TrafficError } from '../errors.ts'
import { type MlVector, toDense } from '../spark/index.ts'

export interface SlotImportance {
  slot: number
  /** The slot's attribute name, e.g. `City_index`, `City_onehot_AquaCity`, `Speed`. */
  name: string
  column: ColumnName
  importance: number
}

export interface ColumnImportance {
  column: ColumnName
  importance: number
}

export interface Importances {
  /** Summed over the column's slots, most important first. */
  byColumn: ColumnImportance[]
  bySlot: SlotImportance[]
}

interface Attribute {
  idx: number
  name?: string
}

/** Slot → attribute name, from a vector column's `ml_attr` metadata (nominal, numeric and binary groups). */
export function slotNames(metadata: Record<string, unknown> | undefined, size: number): string[] {
  const mlAttr = metadata?.ml_attr as { attrs?: Record<string, Attribute[]> } | undefined
  const names = Array.from({ length: size }, (_, slot) => `slot ${slot}`)
  for (const group of Object.values(mlAttr?.attrs ?? {})) {
    for (const attribute of group) if (attribute.name !== undefined) names[attribute.idx] = attribute.name
  }
  return names
}

/**
 * The source column of a slot name: `inputs` maps each assembler input column (e.g. `City_index`) to the
 * data set column it encodes; the assembler names a vector input's slots `<input>_<value>`.
 */
function sourceColumn(name: string, inputs: ReadonlyMap<string, ColumnName>): ColumnName | undefined {
  const exact = inputs.get(name)
  if (exact) return exact
  let best: string | undefined
  for (const input of inputs.keys()) {
    if (name.startsWith(`${input}_`) && input.length > (best?.length ?? 0)) best = input
  }
  return best === undefined ? undefined : inputs.get(best)
}

export function namedImportances(
  vector: MlVector,
  names: readonly string[],
  inputs: ReadonlyMap<string, ColumnName>,
): Importances {
  const values = toDense(vector)
  const bySlot: SlotImportance[] = []
  const totals = new Map<ColumnName, number>()
  for (const [slot, importance] of values.entries()) {
    const name = names[slot] ?? `slot ${slot}`
    const column = sourceColumn(name, inputs)
    if (column === undefined) {
      throw new TrafficError('SPARK_ERROR', `Feature slot ${slot} (${name}) matches no input column`)
    }
    bySlot.push({ slot, name, column, importance })
    totals.set(column, (totals.get(column) ?? 0) + importance)
  }
  for (const column of inputs.values()) if (!totals.has(column)) totals.set(column, 0)
  const byColumn = [...totals]
    .map(([column, importance]) => ({ column, importance }))
    .sort((a, b) => b.importance - a.importance)
  return { byColumn, bySlot }
}
