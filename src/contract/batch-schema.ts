// The batch files' Spark schema, derived from the one column list. Spark reads the files with it (never
// inferSchema), so every column has the contract's type whatever the first rows of a file look like.

import type { SchemaField } from '../spark/index.ts'
import { COLUMNS, type ColumnKind, type ColumnName } from './columns.ts'

const SPARK_TYPES: Record<ColumnKind, string> = {
  category: 'string',
  integer: 'int',
  flag: 'int',
  measure: 'double',
}

export const BATCH_SCHEMA: readonly SchemaField[] = COLUMNS.map((column) => ({
  name: column.name,
  type: SPARK_TYPES[column.kind],
}))

/** The text columns: the ones a model has to index before a forest can use them. */
export const TEXT_COLUMNS: readonly ColumnName[] = COLUMNS.filter((column) => column.kind === 'category').map(
  (column) => column.name,
)
