// StringIndexerModel: each input column's value → its index in the fitted labels (Spark ≥ 3 multi-column form;
// the older single `labels` form is read too). Unseen or missing values follow handleInvalid: `keep` gives
// index labels.length, `error` fails, `skip` drops the row in Spark — a single record then has no prediction.
import { TrafficError } from '../../errors.ts'
import { param, readParquetRows, type StageMetadata } from '../spark-files.ts'
import type { RowLayout, Stage, Step } from '../stage.ts'

export type HandleInvalid = 'keep' | 'error' | 'skip'

export interface StringIndexerParams {
  uid: string
  inputCols: string[]
  outputCols: string[]
  labelsArray: string[][]
  handleInvalid: HandleInvalid
}

/** A value the model did not see in training, for a StringIndexer whose handleInvalid is not `keep`. */
export class UnseenLabelError extends TrafficError {
  readonly column: string
  /** The message without the column name, e.g. for an error listed under that field. */
  readonly detail: string

  constructor(column: string, value: unknown, labels: readonly string[], handleInvalid: HandleInvalid) {
    const shown = value === undefined || value === null ? 'a missing value' : JSON.stringify(value)
    const outcome =
      handleInvalid === 'skip'
        ? 'the model (handleInvalid=skip) gives no prediction for it'
        : 'the model (handleInvalid=error) rejects it'
    const detail = `${shown} was not seen in training; ${outcome}. Known: ${labels.join(', ')}`
    super('INVALID_INPUT', `${column}: ${detail}`)
    this.column = column
    this.detail = detail
  }
}

export const STRING_INDEXER_CLASS = 'org.apache.spark.ml.feature.StringIndexerModel'

export function createStringIndexer(params: StringIndexerParams): Stage {
  const stage: Stage = {
    className: STRING_INDEXER_CLASS,
    uid: params.uid,
    bind(layout: RowLayout): Step[] {
      const steps: Step[] = []
      params.inputCols.forEach((inputCol, i) => {
        const input = layout.find(inputCol)
        // Spark skips a column that is absent at transform time (e.g. a label indexer at serving time).
        if (!input) return
        const labels = params.labelsArray[i] ?? []
        const indexOf = new Map(labels.map((label, index) => [label, index]))
        const unseenIndex = labels.length
        const keep = params.handleInvalid === 'keep'
        const inSlot = input.slot
        const outSlot = layout.add(params.outputCols[i] as string, 'number').slot
        steps.push((row) => {
          const value = row[inSlot]
          // Spark casts the input to string; an integer number prints without a decimal point there too.
          const index =
            value === undefined ? undefined : indexOf.get(typeof value === 'string' ? value : String(value))
          if (index !== undefined) row[outSlot] = index
          else if (keep) row[outSlot] = unseenIndex
          else throw new UnseenLabelError(inputCol, value, labels, params.handleInvalid)
        })
      })
      return steps
    },
  }
  return stage
}

export async function readStringIndexer(dir: string, metadata: StageMetadata): Promise<StringIndexerParams> {
  const [data] = await readParquetRows(dir)
  const labelsArray = (data?.labelsArray ?? (data?.labels ? [data.labels] : undefined)) as
    | string[][]
    | undefined
  const inputCols = param<string[]>(metadata, 'inputCols') ?? [param<string>(metadata, 'inputCol') as string]
  const outputCols = param<string[]>(metadata, 'outputCols') ?? [
    param<string>(metadata, 'outputCol') as string,
  ]
  if (
    !labelsArray ||
    labelsArray.length !== inputCols.length ||
    inputCols.some((c) => typeof c !== 'string')
  ) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `StringIndexerModel ${metadata.uid}: labels do not match its input columns`,
    )
  }
  return {
    uid: metadata.uid,
    inputCols,
    outputCols,
    labelsArray,
    handleInvalid: param<HandleInvalid>(metadata, 'handleInvalid') ?? 'error',
  }
}
