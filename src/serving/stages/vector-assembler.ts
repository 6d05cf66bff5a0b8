// VectorAssembler: concatenates numeric columns and vectors into one feature vector, in inputCols order.
import { requireParam, type StageMetadata } from '../spark-files.ts'
import { inputColumn, type RowLayout, type Stage, type Step } from '../stage.ts'

export interface VectorAssemblerParams {
  uid: string
  inputCols: string[]
  outputCol: string
}

export const VECTOR_ASSEMBLER_CLASS = 'org.apache.spark.ml.feature.VectorAssembler'

export function createVectorAssembler(params: VectorAssemblerParams): Stage {
  const stage: Stage = {
    className: VECTOR_ASSEMBLER_CLASS,
    uid: params.uid,
    bind(layout: RowLayout): Step[] {
      const inputs = params.inputCols.map((name) => inputColumn(layout, stage, name, ['number', 'vector']))
      const size = inputs.reduce((total, column) => total + column.size, 0)
      const out = new Float64Array(size)
      const outSlot = layout.add(params.outputCol, 'vector', size).slot
      const scalarSlots = Int32Array.from(inputs.map((c) => (c.type === 'number' ? c.slot : -1)))
      const vectorSlots = Int32Array.from(inputs.map((c) => (c.type === 'vector' ? c.slot : -1)))
      const count = inputs.length
      return [
        (row) => {
          let offset = 0
          for (let i = 0; i < count; i++) {
            const scalar = scalarSlots[i] as number
            if (scalar >= 0) {
              out[offset++] = row[scalar] as number
            } else {
              const vector = row[vectorSlots[i] as number] as Float64Array
              out.set(vector, offset)
              offset += vector.length
            }
          }
          row[outSlot] = out
        },
      ]
    },
  }
  return stage
}

export async function readVectorAssembler(
  _dir: string,
  metadata: StageMetadata,
): Promise<VectorAssemblerParams> {
  return {
    uid: metadata.uid,
    inputCols: requireParam<string[]>(metadata, 'inputCols'),
    outputCol: requireParam<string>(metadata, 'outputCol'),
  }
}
