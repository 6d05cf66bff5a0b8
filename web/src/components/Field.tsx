// One labelled input per column, chosen by the column's kind: a select for categories, a slider for the
// hour, a checkbox for 0/1 flags, a number box for measures. The API's message for the field shows under it.
import type { ReactNode } from 'react'
import type { ColumnName } from '../../../src/contract/columns.ts'
import { columnOf } from '../models.ts'

interface FieldProps {
  idPrefix: string
  name: ColumnName
  value: string
  error?: string
  hint?: string
  onChange(name: ColumnName, value: string): void
}

export function Field({ idPrefix, name, value, error, hint, onChange }: FieldProps) {
  const column = columnOf(name)
  const id = `${idPrefix}-${name.toLowerCase().replaceAll(' ', '-')}`
  const describedBy =
    [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  const common = {
    id,
    name,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  }

  let input: ReactNode
  switch (column.kind) {
    case 'category':
      input = (
        <select {...common} value={value} onChange={(e) => onChange(name, e.target.value)}>
          {column.values.map((option) => (
            <option key={option}>{option}</option>
          ))}
        </select>
      )
      break
    case 'integer':
      input = (
        <div className="slider">
          <input
            {...common}
            type="range"
            min={column.min}
            max={column.max}
            step={1}
            value={value}
            onChange={(e) => onChange(name, e.target.value)}
          />
          <output htmlFor={id}>{value} h</output>
        </div>
      )
      break
    case 'flag':
      input = (
        <input
          {...common}
          type="checkbox"
          checked={value === '1'}
          onChange={(e) => onChange(name, e.target.checked ? '1' : '0')}
        />
      )
      break
    case 'measure':
      input = (
        <input
          {...common}
          type="number"
          inputMode="decimal"
          min={0}
          step="any"
          value={value}
          onChange={(e) => onChange(name, e.target.value)}
        />
      )
      break
  }

  return (
    <div className={`field field-${column.kind}${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{name}</label>
      {input}
      {hint && (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      )}
    </div>
  )
}
