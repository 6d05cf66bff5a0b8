// DecisionTree and RandomForest models (regression and classification) as pipeline stages over a compiled forest,
// scored by generated code (forest-codegen.ts) or, for forests too large for it, the walk.
// Classifiers output Spark's `probability` (summed class weights normalised to 1) and `prediction` (the argmax
// of the summed weights, first index on ties, like Vector.argmax).
import { TrafficError } from '../../errors.ts'
import { type CompiledForest, compileForest, type TreeNode } from '../forest.ts'
import { bindEnsemble } from '../forest-codegen.ts'
import { param, readParquetRows, type StageMetadata } from '../spark-files.ts'
import { inputColumn, type Predictor, type RowLayout, type Step } from '../stage.ts'

export const TREE_MODEL_CLASSES = {
  'org.apache.spark.ml.regression.RandomForestRegressionModel': { task: 'regression', ensemble: true },
  'org.apache.spark.ml.classification.RandomForestClassificationModel': {
    task: 'classification',
    ensemble: true,
  },
  'org.apache.spark.ml.regression.DecisionTreeRegressionModel': { task: 'regression', ensemble: false },
  'org.apache.spark.ml.classification.DecisionTreeClassificationModel': {
    task: 'classification',
    ensemble: false,
  },
} as const

export type TreeModelClass = keyof typeof TREE_MODEL_CLASSES

export interface TreeModelParams {
  className: TreeModelClass
  uid: string
  forest: CompiledForest
  /** Feature vector length at training, when the writer recorded it (Spark's tree writers do). */
  numFeatures: number | undefined
  featuresCol: string
  predictionCol: string
  probabilityCol: string
}

export function createTreeModel(params: TreeModelParams): Predictor {
  const { forest } = params
  const task = TREE_MODEL_CLASSES[params.className].task
  const scorer = bindEnsemble({ forest, combine: task === 'regression' ? 'mean' : 'votes' })
  const classes = forest.numClasses
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
async function readTrees(dir: string, ensemble: boolean): Promise<TreeNode[][]> {
  const rows = await readParquetRows(dir)
  const byTree = new Map<number, TreeNode[]>()
  for (const row of rows) {
    const treeId = ensemble ? (row.treeID as number) : 0
    const node = (ensemble ? row.nodeData : row) as StoredNode
    const nodes = byTree.get(treeId) ?? []
    nodes.push({ ...node, impurityStats: node.impurityStats ?? [] })
    byTree.set(treeId, nodes)
  }
  return [...byTree.keys()].sort((a, b) => a - b).map((id) => byTree.get(id) as TreeNode[])
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
  const numClasses = task === 'classification' ? Number(metadata.numClasses) : 0
  const trees = await readTrees(dir, ensemble)
  const forest = compileForest(trees, { numClasses, normaliseLeafStats: ensemble })
  if (ensemble && metadata.numTrees !== undefined && Number(metadata.numTrees) !== forest.numTrees) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${className} ${metadata.uid}: ${metadata.numTrees} trees declared, ${forest.numTrees} stored`,
    )
  }
  return {
    className,
    uid: metadata.uid,
    forest,
    numFeatures: metadata.numFeatures === undefined ? undefined : Number(metadata.numFeatures),
    featuresCol: param<string>(metadata, 'featuresCol') ?? 'features',
    predictionCol: param<string>(metadata, 'predictionCol') ?? 'prediction',
    probabilityCol: param<string>(metadata, 'probabilityCol') ?? 'probability',
  }
}
