// The pages' data tables (class rows-table): one header row, one row per item, the first column the row's
// header, inside a box that scrolls sideways on a narrow screen rather than widening the card.
import type { ReactNode } from 'react'

export interface Column<T> {
  /** Also the column's key: unique within a table. */
  header: string
  cell: (row: T) => ReactNode
  /** A class for the cell, e.g. to flag a value. */
  className?: (row: T) => string | undefined
  /** Free text (a reason): left-aligned and wrapped, header included, instead of a number's right-aligned line. */
  text?: boolean
}

const cellClass = <T,>(column: Column<T>, row: T) =>
  [column.text ? 'text-cell' : undefined, column.className?.(row)].filter(Boolean).join(' ') || undefined

interface RowsTableProps<T> {
  columns: Column<T>[]
  rows: readonly T[]
  rowKey: (row: T) => string
  rowClassName?: (row: T) => string | undefined
  testId?: string
}

export function RowsTable<T>({ columns, rows, rowKey, rowClassName, testId }: RowsTableProps<T>) {
  const [first, ...rest] = columns
  return (
    <div className="table-scroll">
      <table className="rows-table" data-testid={testId}>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.header} scope="col" className={column.text ? 'text-cell' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)} className={rowClassName?.(row)}>
              {first && (
                <th scope="row" className={cellClass(first, row)}>
                  {first.cell(row)}
                </th>
              )}
              {rest.map((column) => (
                <td key={column.header} className={cellClass(column, row)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
