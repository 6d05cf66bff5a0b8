// Reads a saved Spark PipelineModel directory (`metadata/` + `stages/<index>_<uid>/`) into fitted stages, without
// a JVM. Any writer of Spark's native format works: our trainer, PySpark's `model.write().save()`, Scala.
import path from 'node:path'
import { TrafficError } from '../errors.ts'
import { readMetadata, requireParam, type StageMetadata } from './spark-files.ts'
import type { Stage } from './stage.ts'
import { loadOneHotEncoder, ONE_HOT_ENCODER_CLASS } from './stages/one-hot-encoder.ts'
import { loadStandardScaler, STANDARD_SCALER_CLASS } from './stages/standard-scaler.ts'
import { loadStringIndexer, STRING_INDEXER_CLASS } from './stages/string-indexer.ts'
import { loadTreeModel, TREE_MODEL_CLASSES } from './stages/tree-models.ts'
import { loadVectorAssembler, VECTOR_ASSEMBLER_CLASS } from './stages/vector-assembler.ts'

type StageLoader = (dir: string, metadata: StageMetadata) => Promise<Stage>

const STAGE_LOADERS: ReadonlyMap<string, StageLoader> = new Map<string, StageLoader>([
  [STRING_INDEXER_CLASS, loadStringIndexer],
  [ONE_HOT_ENCODER_CLASS, loadOneHotEncoder],
  [VECTOR_ASSEMBLER_CLASS, loadVectorAssembler],
  [STANDARD_SCALER_CLASS, loadStandardScaler],
  ...Object.keys(TREE_MODEL_CLASSES).map((name): [string, StageLoader] => [name, loadTreeModel]),
])

export const SUPPORTED_STAGE_CLASSES: readonly string[] = [...STAGE_LOADERS.keys()]

export const PIPELINE_MODEL_CLASS = 'org.apache.spark.ml.PipelineModel'

export interface PipelineModel {
  dir: string
  uid: string
  sparkVersion: string
  /** When Spark wrote it (ms since epoch), if recorded. */
  timestamp: number | undefined
  stages: Stage[]
}

/** Spark names stage folders `<index>_<uid>`, the index zero-padded to the digits of the stage count. */
export function stageFolderName(index: number, stageCount: number, uid: string): string {
  return `${String(index).padStart(String(stageCount).length, '0')}_${uid}`
}

export async function readPipelineModel(dir: string): Promise<PipelineModel> {
  const metadata = await readMetadata(dir)
  if (metadata.class !== PIPELINE_MODEL_CLASS) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${dir} holds a ${metadata.class}, not a ${PIPELINE_MODEL_CLASS}`,
    )
  }
  const uids = requireParam<string[]>(metadata, 'stageUids')
  const stages: Stage[] = []
  for (const [index, uid] of uids.entries()) {
    const stageDir = path.join(dir, 'stages', stageFolderName(index, uids.length, uid))
    const stageMetadata = await readMetadata(stageDir)
    const load = STAGE_LOADERS.get(stageMetadata.class)
    if (!load) {
      throw new TrafficError(
        'MODEL_UNSUPPORTED',
        `Stage ${index} of ${dir} is a ${stageMetadata.class}, which the native evaluator does not support`,
        {
          hint: `Supported stages: ${SUPPORTED_STAGE_CLASSES.map((name) => name.split('.').pop()).join(', ')}`,
        },
      )
    }
    stages.push(await load(stageDir, stageMetadata))
  }
  return {
    dir,
    uid: metadata.uid,
    sparkVersion: metadata.sparkVersion,
    timestamp: metadata.timestamp,
    stages,
  }
}
