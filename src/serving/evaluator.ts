// A PipelineModel bound to the columns of the records it will get: stages resolved once, then each record runs
// through a fixed list of steps over a reused row. Not re-entrant, which is fine: evaluation is synchronous.
import { TrafficError } from '../errors.ts'
import type { PipelineModel } from './pipeline-model.ts'
import {
  type ColumnType,
  isPredictor,
  type Predictor,
  type Row,
  RowLayout,
  type Step,
  type Value,
} from './stage.ts'

export interface InputColumn {
  name: string
  type: Extract<ColumnType, 'string' | 'number'>
}

export interface Prediction {
  /** The regression value, or the class index for a classifier. */
  prediction: number
  /** Class probabilities (classifiers only), summing to 1. */
  probability?: Float64Array
}

export interface ModelEvaluator {
  readonly task: Predictor['task']
  readonly numClasses: number
  readonly trees: number
  readonly nodes: number
  /** Evaluates one record, keyed by column name. Throws a TrafficError('INVALID_INPUT') on a value the model rejects. */
  predict(record: Readonly<Record<string, unknown>>): Prediction
}

export function compileEvaluator(model: PipelineModel, inputs: readonly InputColumn[]): ModelEvaluator {
  const predictor = model.stages.at(-1)
  if (!predictor || !isPredictor(predictor)) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${model.dir} must end with a regression or classification model stage (ends with ${predictor?.className ?? 'nothing'})`,
    )
  }
  const layout = new RowLayout()
  const inputSlots = inputs.map((input) => layout.add(input.name, input.type).slot)
  const steps: Step[] = model.stages.flatMap((stage) => stage.bind(layout))
  const predictionSlot = layout.find(predictor.predictionCol)?.slot as number
  const probabilitySlot =
    predictor.probabilityCol === undefined ? -1 : (layout.find(predictor.probabilityCol)?.slot as number)
  const names = inputs.map((input) => input.name)
  const row: Row = new Array<Value>(layout.slotCount)

  return {
    task: predictor.task,
    numClasses: predictor.numClasses,
    trees: predictor.trees,
    nodes: predictor.nodes,
    predict(record) {
      for (let i = 0; i < names.length; i++)
        row[inputSlots[i] as number] = record[names[i] as string] as Value
      for (const step of steps) step(row)
      const prediction = row[predictionSlot] as number
      return probabilitySlot < 0
        ? { prediction }
        : { prediction, probability: row[probabilitySlot] as Float64Array }
    },
  }
}
