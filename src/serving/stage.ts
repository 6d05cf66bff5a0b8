// How a fitted pipeline stage plugs into the native evaluator. A pipeline is compiled once into a row layout
// (one slot per column) and a list of steps; evaluating a record fills the input slots and runs the steps, with
// no per-row lookups by name and no allocation except the probability vector handed back.
import { TrafficError } from '../errors.ts'

/** A cell: a raw string or number, or a feature vector (dense; Spark's sparse vectors are expanded). */
export type Value = string | number | Float64Array

export type Row = Value[]

export type Step = (row: Row) => void

export type ColumnType = 'string' | 'number' | 'vector'

export interface Column {
  slot: number
  type: ColumnType
  /** Vector length (1 for scalars). */
  size: number
}

/** The columns a row holds at some point of the pipeline, by name, as Spark's DataFrame schema would. */
export class RowLayout {
  readonly #columns = new Map<string, Column>()
  #slots = 0

  get slotCount(): number {
    return this.#slots
  }

  find(name: string): Column | undefined {
    return this.#columns.get(name)
  }

  /** Adds (or, like `withColumn`, replaces) a column and returns its slot. */
  add(name: string, type: ColumnType, size = 1): Column {
    const column = { slot: this.#slots++, type, size }
    this.#columns.set(name, column)
    return column
  }
}

/** A fitted transformer or model, read from disk, ready to be bound to a row layout. */
export interface Stage {
  /** Spark class name, e.g. `org.apache.spark.ml.feature.StringIndexerModel`. */
  readonly className: string
  readonly uid: string
  /**
   * Resolves input columns in `layout`, adds the output columns and returns the steps computing them.
   * Throws a TrafficError when a needed input column is absent or has the wrong type.
   */
  bind(layout: RowLayout): Step[]
}

/** The last stage of a model pipeline: its output columns are the prediction (and class probabilities). */
export interface Predictor extends Stage {
  readonly task: 'regression' | 'classification'
  /** Number of classes (0 for regression). */
  readonly numClasses: number
  readonly predictionCol: string
  /** Set for classifiers. */
  readonly probabilityCol: string | undefined
  readonly featuresCol: string
  /** Size of the model: trees and nodes in all. */
  readonly trees: number
  readonly nodes: number
  /**
   * Scores `rows` feature vectors of `stride` numbers each, laid end to end in `features`: writes row r's
   * prediction to `predictions[r]` and, for classifiers, its class probabilities to `probabilities[r * numClasses …]`.
   */
  predictBlock(
    features: Float64Array,
    stride: number,
    rows: number,
    predictions: Float64Array,
    probabilities: Float64Array,
  ): void
}

export function isPredictor(stage: Stage): stage is Predictor {
  return 'task' in stage
}

/** The input column a stage reads, checked for presence and type. */
export function inputColumn(
  layout: RowLayout,
  stage: Stage,
  name: string,
  types: readonly ColumnType[],
): Column {
  const column = layout.find(name)
  if (!column) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${stage.className} ${stage.uid} reads column "${name}", which the input does not have`,
    )
  }
  if (!types.includes(column.type)) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${stage.className} ${stage.uid} reads column "${name}" as ${types.join(' or ')}, but it holds a ${column.type}`,
    )
  }
  return column
}
