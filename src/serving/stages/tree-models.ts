// DecisionTree, RandomForest and GBT models (regression and classification) as pipeline stages over a compiled
// forest, scored by the WebAssembly module (forest-wasm.ts) or, for forests too large for it, the walk. Forest classifiers output Spark's `probability` (summed class weights normalised to 1) and `prediction`
// (the argmax of the summed weights, first index on ties, like Vector.argmax). GBT models sum their regression trees
// with per-tree weights; the classifier turns that margin m into Spark's rawPrediction [−m, m], probability
// [p0, 1 − p0] with p0 = 1 / (1 + e^(2m)) (logistic loss), and prediction m > 0 (argmax of [−m, m]).
import { TrafficError } from '../../errors.ts'
import { type CompiledForest, compileForest, type TreeEnsemble, type TreeNode } from '../forest.ts'
import { pickScorer } from '../pick-scorer.ts'
import { param, readParquetRows, type StageMetadata } from '../spark-files.ts'
import { inputColumn, type Predictor, type RowLayout, type Step } from '../stage.ts'

/** `single`: one decision tree. `forest`: trees averaged (votes summed). `boosted`: weighted sum of regression trees. */
export type Ensemble = 'single' | 'forest' | 'boosted'

export const TREE_MODEL_CLASSES = {
  'org.apache.spark.ml.regression.RandomForestRegressionModel': { task: 'regression', ensemble: 'forest' },
  'org.apache.spark.ml.classification.RandomForestClassificationModel': {
    task: 'classification',
    ensemble: 'forest',
  },
  'org.apache.spark.ml.regression.GBTRegressionModel': { task: 'regression', ensemble: 'boosted' },
  'org.apache.spark.ml.classification.GBTClassificationModel': {
    task: 'classification',
    ensemble: 'boosted',
  },
  'org.apache.spark.ml.regression.DecisionTreeRegressionModel': { task: 'regression', ensemble: 'single' },
  'org.apache.spark.ml.classification.DecisionTreeClassificationModel': {
    task: 'classification',
    ensemble: 'single',
  },
} as const satisfies Record<string, { task: 'regression' | 'classification'; ensemble: Ensemble }>

/** GBTClassifier is binary only. */
const GBT_CLASSES = 2

export type TreeModelClass = keyof typeof TREE_MODEL_CLASSES

export interface TreeModelParams {
  className: TreeModelClass
  uid: string
  forest: CompiledForest
  /** Boosted models: each tree's weight, in tree order (Spark's `treeWeights`). */
  treeWeights?: Float64Array
  /** Feature vector length at training, when the writer recorded it (Spark's tree writers do). */
  numFeatures: number | undefined
  featuresCol: string
  predictionCol: string
  probabilityCol: string
}

/** How the model's trees combine: boosted trees as a weighted sum, a forest's as a mean or class votes. */
export function treeEnsembleOf({ className, forest, treeWeights }: TreeModelParams): TreeEnsemble {
  if (treeWeights) return { forest, combine: 'sum', weights: treeWeights }
  return { forest, combine: TREE_MODEL_CLASSES[className].task === 'regression' ? 'mean' : 'votes' }
}

export function createTreeModel(params: TreeModelParams): Predictor {
  const { forest, treeWeights } = params
  const task = TREE_MODEL_CLASSES[params.className].task
  const scorer = pickScorer(treeEnsembleOf(params))
  const classes = treeWeights && task === 'classification' ? GBT_CLASSES : forest.numClasses
  const stage: Predictor = {
    className: params.className,
    uid: params.uid,
    task,
    numClasses: classes,
    featuresCol: params.featuresCol,
    predictionCol: params.predictionCol,
    probabilityCol: task === 'classification' ? params.probabilityCol : undefined,
    trees: forest.numTrees,
    nodes: forest.values.length,
    predictBlock(features, stride, rows, predictions, probabilities) {
      if (task === 'regression') {
        scorer.score(features, stride, rows, predictions)
        return
      }
      if (treeWeights) {
        scorer.score(features, stride, rows, predictions)
        for (let r = 0; r < rows; r++) {
          const margin = predictions[r] as number
          // Spark's LogLoss.computeProbability of rawPrediction[0] = −margin, then 1 − that for class 1.
          const p0 = 1 / (1 + Math.exp(-2 * -margin))
          probabilities[2 * r] = p0
          probabilities[2 * r + 1] = 1 - p0
          predictions[r] = margin > -margin ? 1 : 0
        }
        return
      }
      scorer.score(features, stride, rows, probabilities)
      for (let at = 0, r = 0; r < rows; r++, at += classes) {
        let sum = 0
        let best = 0
        for (let k = 0; k < classes; k++) {
          const vote = probabilities[at + k] as number
          sum += vote
          if (vote > (probabilities[at + best] as number)) best = k
        }
        for (let k = 0; k < classes; k++) probabilities[at + k] = (probabilities[at + k] as number) / sum
        predictions[r] = best
      }
    },
    bind(layout: RowLayout): Step[] {
      const features = inputColumn(layout, stage, params.featuresCol, ['vector'])
      const expected = params.numFeatures ?? features.size
      if (features.size !== expected || forest.featuresRead > features.size) {
        throw new TrafficError(
          'MODEL_UNSUPPORTED',
          `${params.className} ${params.uid} was trained on ${params.numFeatures ?? `≥ ${forest.featuresRead}`} features, the pipeline gives ${features.size}`,
        )
      }
      const inSlot = features.slot
      const predictionSlot = layout.add(params.predictionCol, 'number').slot
      const prediction = new Float64Array(1)
      if (task === 'regression') {
        return [
          (row) => {
            stage.predictBlock(row[inSlot] as Float64Array, features.size, 1, prediction, prediction)
            row[predictionSlot] = prediction[0] as number
          },
        ]
      }
      const probabilitySlot = layout.add(params.probabilityCol, 'vector', classes).slot
      return [
        (row) => {
          const probability = new Float64Array(classes)
          stage.predictBlock(row[inSlot] as Float64Array, features.size, 1, prediction, probability)
          row[predictionSlot] = prediction[0] as number
          row[probabilitySlot] = probability
        },
      ]
    },
  }
  return stage
}

interface StoredNode extends Omit<TreeNode, 'impurityStats'> {
  impurityStats: number[] | null
}

/** Nodes grouped by tree, trees in treeID order (single decision trees store bare nodes, forests {treeID, nodeData}). */
async function readTrees(dir: string, ensemble: Ensemble): Promise<TreeNode[][]> {
  const rows = await readParquetRows(dir)
  const byTree = new Map<number, TreeNode[]>()
  for (const row of rows) {
    const single = ensemble === 'single'
    const treeId = single ? 0 : (row.treeID as number)
    const node = (single ? row : row.nodeData) as StoredNode
    const nodes = byTree.get(treeId) ?? []
    nodes.push({ ...node, impurityStats: node.impurityStats ?? [] })
    byTree.set(treeId, nodes)
  }
  return [...byTree.keys()].sort((a, b) => a - b).map((id) => byTree.get(id) as TreeNode[])
}

/**
 * Ensembles store one row per tree in `treesMetadata/`: its id, params and weight (1 in forests). Spark 3 names the
 * columns treeID, metadata, weights; Spark 4.2 writes the tuple's own names _1, _2, _3.
 */
async function readTreeWeights(dir: string, numTrees: number, what: string): Promise<Float64Array> {
  const weights = new Float64Array(numTrees).fill(Number.NaN)
  for (const row of await readParquetRows(dir, 'treesMetadata')) {
    const treeId = Number(row.treeID ?? row._1)
    if (treeId >= 0 && treeId < numTrees) weights[treeId] = Number(row.weights ?? row._3)
  }
  if (weights.some(Number.isNaN)) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${what}: treesMetadata does not give a weight for each of its ${numTrees} trees`,
    )
  }
  return weights
}

export async function readTreeModel(dir: string, metadata: StageMetadata): Promise<TreeModelParams> {
  const className = metadata.class as TreeModelClass
  const { task, ensemble } = TREE_MODEL_CLASSES[className]
  if (param(metadata, 'thresholds') !== undefined) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${className} ${metadata.uid} sets "thresholds", which the native evaluator does not apply`,
    )
  }
  const boosted = ensemble === 'boosted'
  // GBT classifiers are made of regression trees: their leaves hold a prediction, not class counts.
  const numClasses = task === 'classification' && !boosted ? Number(metadata.numClasses) : 0
  const trees = await readTrees(dir, ensemble)
  const forest = compileForest(trees, { numClasses, normaliseLeafStats: ensemble === 'forest' })
  if (
    ensemble !== 'single' &&
    metadata.numTrees !== undefined &&
    Number(metadata.numTrees) !== forest.numTrees
  ) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${className} ${metadata.uid}: ${metadata.numTrees} trees declared, ${forest.numTrees} stored`,
    )
  }
  return {
    className,
    uid: metadata.uid,
    forest,
    ...(boosted
      ? { treeWeights: await readTreeWeights(dir, forest.numTrees, `${className} ${metadata.uid}`) }
      : {}),
    numFeatures: metadata.numFeatures === undefined ? undefined : Number(metadata.numFeatures),
    featuresCol: param<string>(metadata, 'featuresCol') ?? 'features',
    predictionCol: param<string>(metadata, 'predictionCol') ?? 'prediction',
    probabilityCol: param<string>(metadata, 'probabilityCol') ?? 'probability',
  }
}
