// StandardScalerModel: (x − mean) × (1/std) per feature, each part only when withMean / withStd. Spark multiplies
// by the reciprocal (0 where std is 0) rather than dividing; we do the same so results match to the last bit.
import { TrafficError } from '../../errors.ts'
import { decodeVector, param, readParquetRows, requireParam, type StageMetadata } from '../spark-files.ts'
import { inputColumn, type RowLayout, type Stage, type Step } from '../stage.ts'

export interface StandardScalerParams {
  uid: string
  inputCol: string
  outputCol: string
  mean: Float64Array
  std: Float64Array
  withMean: boolean
  withStd: boolean
}

export const STANDARD_SCALER_CLASS = 'org.apache.spark.ml.feature.StandardScalerModel'

export function createStandardScaler(params: StandardScalerParams): Stage {
  const size = params.mean.length
  const shift = params.withMean ? params.mean : new Float64Array(size)
  const scale = params.withStd ? params.std.map((s) => (s === 0 ? 0 : 1 / s)) : undefined
  const stage: Stage = {
    className: STANDARD_SCALER_CLASS,
    uid: params.uid,
    bind(layout: RowLayout): Step[] {
      const input = inputColumn(layout, stage, params.inputCol, ['vector'])
      if (input.size !== size) {
        throw new TrafficError(
          'MODEL_UNSUPPORTED',
          `StandardScalerModel ${params.uid} expects ${size} features, gets ${input.size}`,
        )
      }
      const out = new Float64Array(size)
      const outSlot = layout.add(params.outputCol, 'vector', size).slot
      const inSlot = input.slot
      return [
        (row) => {
          const x = row[inSlot] as Float64Array
          if (scale)
            for (let i = 0; i < size; i++)
              out[i] = ((x[i] as number) - (shift[i] as number)) * (scale[i] as number)
          else for (let i = 0; i < size; i++) out[i] = (x[i] as number) - (shift[i] as number)
          row[outSlot] = out
        },
      ]
    },
  }
  return stage
}

export async function readStandardScaler(
  dir: string,
  metadata: StageMetadata,
): Promise<StandardScalerParams> {
  const [data] = await readParquetRows(dir)
  return {
    uid: metadata.uid,
    inputCol: requireParam<string>(metadata, 'inputCol'),
    outputCol: requireParam<string>(metadata, 'outputCol'),
    mean: decodeVector(data?.mean, `StandardScalerModel ${metadata.uid} mean`),
    std: decodeVector(data?.std, `StandardScalerModel ${metadata.uid} std`),
    withMean: param<boolean>(metadata, 'withMean') ?? false,
    withStd: param<boolean>(metadata, 'withStd') ?? true,
  }
}
