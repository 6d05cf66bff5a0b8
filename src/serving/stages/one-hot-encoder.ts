// OneHotEncoderModel: category index → binary vector. Size per column = categorySize (+1 with handleInvalid=keep,
// −1 with dropLast); the dropped last category encodes as all zeros. An index outside [0, categorySize) is the
// extra "invalid" category with keep, an error otherwise — as in Spark's encoder UDF.
import { TrafficError } from '../../errors.ts'
import { param, readParquetRows, type StageMetadata } from '../spark-files.ts'
import { inputColumn, type RowLayout, type Stage, type Step } from '../stage.ts'

export interface OneHotEncoderParams {
  uid: string
  inputCols: string[]
  outputCols: string[]
  categorySizes: number[]
  dropLast: boolean
  handleInvalid: 'keep' | 'error'
}

export const ONE_HOT_ENCODER_CLASS = 'org.apache.spark.ml.feature.OneHotEncoderModel'

export function createOneHotEncoder(params: OneHotEncoderParams): Stage {
  const keep = params.handleInvalid === 'keep'
  const stage: Stage = {
    className: ONE_HOT_ENCODER_CLASS,
    uid: params.uid,
    bind(layout: RowLayout): Step[] {
      return params.inputCols.map((inputCol, i): Step => {
        const inSlot = inputColumn(layout, stage, inputCol, ['number']).slot
        const categories = params.categorySizes[i] as number
        const size = categories + (keep ? 1 : 0) - (params.dropLast ? 1 : 0)
        const vector = new Float64Array(size)
        const outSlot = layout.add(params.outputCols[i] as string, 'vector', size).slot
        return (row) => {
          const label = row[inSlot] as number
          let index: number
          if (label >= 0 && label < categories) index = Math.trunc(label)
          else if (keep) index = categories
          else
            throw new TrafficError(
              'INVALID_INPUT',
              `${inputCol}: category index ${label} is outside 0–${categories - 1}`,
            )
          vector.fill(0)
          if (index < size) vector[index] = 1
          row[outSlot] = vector
        }
      })
    },
  }
  return stage
}

export async function readOneHotEncoder(dir: string, metadata: StageMetadata): Promise<OneHotEncoderParams> {
  const [data] = await readParquetRows(dir)
  const categorySizes = data?.categorySizes as number[] | undefined
  const inputCols = param<string[]>(metadata, 'inputCols') ?? [param<string>(metadata, 'inputCol') as string]
  const outputCols = param<string[]>(metadata, 'outputCols') ?? [
    param<string>(metadata, 'outputCol') as string,
  ]
  if (!categorySizes || categorySizes.length !== inputCols.length) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `OneHotEncoderModel ${metadata.uid}: categorySizes do not match its inputs`,
    )
  }
  return {
    uid: metadata.uid,
    inputCols,
    outputCols,
    categorySizes,
    dropLast: param<boolean>(metadata, 'dropLast') ?? true,
    handleInvalid: param<'keep' | 'error'>(metadata, 'handleInvalid') ?? 'error',
  }
}
