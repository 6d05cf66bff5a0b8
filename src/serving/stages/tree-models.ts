// DecisionTree, RandomForest and GBT models (regression and classification) as pipeline stages over a compiled
// forest. Forest classifiers output Spark's `probability` (summed class weights normalised to 1) and `prediction`
// (the argmax of the summed weights, first index on ties, like Vector.argmax). GBT models sum their regression trees
// with per-tree weights; the classifier turns that margin m into Spark's rawPrediction [−m, m], probability
// [p0, 1 − p0] with p0 = 1 / (1 + e^(2m)) (logistic loss), and prediction m > 0 (argmax of [−m, m]).
import { TrafficError } from '../../errors.ts'
import { type CompiledForest, compileForest, type TreeNode } from '../forest.ts'
import { bindForest, type ForestEvaluator } from '../forest-walk.ts'
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

export function createTreeModel(params: TreeModelParams): Predictor {
  const { forest, treeWeights } = params
  const walk = bindForest(forest)
  const task = TREE_MODEL_CLASSES[params.className].task
  const stage: Predictor = {
    className: params.className,
    uid: params.uid,
    task,
    numClasses: treeWeights && task === 'classification' ? GBT_CLASSES : forest.numClasses,
    predictionCol: params.predictionCol,
    probabilityCol: task === 'classification' ? params.probabilityCol : undefined,
    trees: forest.numTrees,
    nodes: forest.values.length,
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
      if (treeWeights) return [boostedStep(walk, treeWeights, task, inSlot, predictionSlot, layout, params)]
      if (task === 'regression') {
        return [
          (row) => {
            row[predictionSlot] = walk.predictMean(row[inSlot] as Float64Array)
          },
        ]
      }
      const classes = forest.numClasses
      const probabilitySlot = layout.add(params.probabilityCol, 'vector', classes).slot
      const votes = new Float64Array(classes)
      return [
        (row) => {
          walk.sumVotes(row[inSlot] as Float64Array, votes)
          let sum = 0
          let best = 0
          for (let k = 0; k < classes; k++) {
            const vote = votes[k] as number
            sum += vote
            if (vote > (votes[best] as number)) best = k
          }
          const probability = new Float64Array(classes)
          for (let k = 0; k < classes; k++) probability[k] = (votes[k] as number) / sum
          row[predictionSlot] = best
          row[probabilitySlot] = probability
        },
      ]
    },
  }
  return stage
}

/** A GBT model's step: the weighted sum of its trees, or for the classifier Spark's mapping of that margin. */
function boostedStep(
  walk: ForestEvaluator,
  weights: Float64Array,
  task: 'regression' | 'classification',
  inSlot: number,
  predictionSlot: number,
  layout: RowLayout,
  params: TreeModelParams,
): Step {
  if (task === 'regression') {
    return (row) => {
      row[predictionSlot] = walk.weightedSum(row[inSlot] as Float64Array, weights)
    }
  }
  const probabilitySlot = layout.add(params.probabilityCol, 'vector', GBT_CLASSES).slot
  return (row) => {
    const margin = walk.weightedSum(row[inSlot] as Float64Array, weights)
    // Spark's LogLoss.computeProbability of rawPrediction[0] = −margin, then 1 − that for class 1.
    const p0 = 1 / (1 + Math.exp(-2 * -margin))
    row[predictionSlot] = margin > -margin ? 1 : 0
    row[probabilitySlot] = Float64Array.of(p0, 1 - p0)
  }
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
