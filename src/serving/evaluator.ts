// A PipelineModel bound to the columns of the records it will get: stages resolved once, then each record runs
// through a fixed list of steps over a reused row. Not re-entrant, which is fine: evaluation is synchronous.
import { TrafficError } from '../errors.ts'
import type { PipelineModel } from './pipeline-model.ts'
import {
  type Column,
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
  /** Length of the feature vector the trees read. */
  readonly featureCount: number
  /**
   * Writes the feature vectors of records[from, to) end to end into `matrix` (featureCount numbers each): the
   * trees' input. Throws a RecordError naming the first record the model rejects.
   */
  writeFeatures(
    records: readonly Readonly<Record<string, unknown>>[],
    from: number,
    to: number,
    matrix: Float64Array,
  ): void
  /**
   * Evaluates many records, the trees scoring them in blocks (faster than one by one). Throws a RecordError
   * naming the first record the model rejects.
   */
  predictMany(records: readonly Readonly<Record<string, unknown>>[]): Prediction[]
}

/** A record of a batch that the model rejects: `index` is its position, `cause` the evaluator's error. */
export class RecordError extends Error {
  readonly index: number
  override readonly cause: unknown

  constructor(index: number, cause: unknown) {
    super(`record ${index}: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.index = index
    this.cause = cause
  }
}

/** Records per predictBlock call in predictMany: their feature vectors stay in cache between the two passes. */
const MANY_CHUNK = 1024

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
  const featureSteps: Step[] = model.stages.slice(0, -1).flatMap((stage) => stage.bind(layout))
  const steps: Step[] = [...featureSteps, ...predictor.bind(layout)]
  const features = layout.find(predictor.featuresCol) as Column
  const predictionSlot = layout.find(predictor.predictionCol)?.slot as number
  const probabilitySlot =
    predictor.probabilityCol === undefined ? -1 : (layout.find(predictor.probabilityCol)?.slot as number)
  const names = inputs.map((input) => input.name)
  const row: Row = new Array<Value>(layout.slotCount)
  const fillInputs = (record: Readonly<Record<string, unknown>>) => {
    for (let i = 0; i < names.length; i++) row[inputSlots[i] as number] = record[names[i] as string] as Value
  }
  const classes = predictor.numClasses
  const stride = features.size
  const writeFeatures: ModelEvaluator['writeFeatures'] = (records, from, to, matrix) => {
    for (let i = from; i < to; i++) {
      fillInputs(records[i] as Readonly<Record<string, unknown>>)
      try {
        for (const step of featureSteps) step(row)
      } catch (error) {
        throw new RecordError(i, error)
      }
      matrix.set(row[features.slot] as Float64Array, (i - from) * stride)
    }
  }

  return {
    task: predictor.task,
    numClasses: predictor.numClasses,
    trees: predictor.trees,
    nodes: predictor.nodes,
    featureCount: stride,
    writeFeatures,
    predict(record) {
      fillInputs(record)
      for (const step of steps) step(row)
      const prediction = row[predictionSlot] as number
      return probabilitySlot < 0
        ? { prediction }
        : { prediction, probability: row[probabilitySlot] as Float64Array }
    },
    predictMany(records) {
      const count = records.length
      const predictions = new Float64Array(count)
      const probabilities = new Float64Array(count * classes)
      const matrix = new Float64Array(Math.min(count, MANY_CHUNK) * stride)
      for (let start = 0; start < count; start += MANY_CHUNK) {
        const end = Math.min(count, start + MANY_CHUNK)
        writeFeatures(records, start, end, matrix)
        predictor.predictBlock(
          matrix,
          stride,
          end - start,
          predictions.subarray(start, end),
          probabilities.subarray(start * classes, end * classes),
        )
      }
      return Array.from(predictions, (prediction, i) =>
        classes === 0
          ? { prediction }
          : { prediction, probability: probabilities.subarray(i * classes, (i + 1) * classes) },
      )
    },
  }
}
