// Reads a saved Spark PipelineModel directory (`metadata/` + `stages/<index>_<uid>/`) without a JVM. Any writer
// of Spark's native format works: our trainer, PySpark's `model.write().save()`, Scala.
// Reading gives plain data (structured-clonable, so a worker thread can do the slow part); building turns it into
// stages ready to evaluate.
import path from 'node:path'
import { TrafficError } from '../errors.ts'
import { readMetadata, requireParam, type StageMetadata } from './spark-files.ts'
import type { Stage } from './stage.ts'
import { createOneHotEncoder, ONE_HOT_ENCODER_CLASS, readOneHotEncoder } from './stages/one-hot-encoder.ts'
import { createStandardScaler, readStandardScaler, STANDARD_SCALER_CLASS } from './stages/standard-scaler.ts'
import { createStringIndexer, readStringIndexer, STRING_INDEXER_CLASS } from './stages/string-indexer.ts'
import { createTreeModel, readTreeModel, TREE_MODEL_CLASSES } from './stages/tree-models.ts'
import {
  createVectorAssembler,
  readVectorAssembler,
  VECTOR_ASSEMBLER_CLASS,
} from './stages/vector-assembler.ts'

/** How to read one Spark stage class's fitted values, and how to make a stage of them. */
interface StageKind<P> {
  read(dir: string, metadata: StageMetadata): Promise<P>
  create(params: P): Stage
}

const kind = <P>(read: StageKind<P>['read'], create: StageKind<P>['create']) =>
  ({ read, create }) as StageKind<unknown>
const treeModel = kind(readTreeModel, createTreeModel)

const STAGE_KINDS: ReadonlyMap<string, StageKind<unknown>> = new Map([
  [STRING_INDEXER_CLASS, kind(readStringIndexer, createStringIndexer)],
  [ONE_HOT_ENCODER_CLASS, kind(readOneHotEncoder, createOneHotEncoder)],
  [VECTOR_ASSEMBLER_CLASS, kind(readVectorAssembler, createVectorAssembler)],
  [STANDARD_SCALER_CLASS, kind(readStandardScaler, createStandardScaler)],
  ...Object.keys(TREE_MODEL_CLASSES).map((name): [string, StageKind<unknown>] => [name, treeModel]),
])

export const SUPPORTED_STAGE_CLASSES: readonly string[] = [...STAGE_KINDS.keys()]

export const PIPELINE_MODEL_CLASS = 'org.apache.spark.ml.PipelineModel'

interface PipelineInfo {
  dir: string
  uid: string
  sparkVersion: string
  /** When Spark wrote it (ms since epoch), if recorded. */
  timestamp: number | undefined
}

/** A saved pipeline as plain data: what each stage's params are, by Spark class. */
export interface PipelineData extends PipelineInfo {
  stages: { className: string; params: unknown }[]
}

export interface PipelineModel extends PipelineInfo {
  stages: Stage[]
}

/** Spark names stage folders `<index>_<uid>`, the index zero-padded to the digits of the stage count. */
export function stageFolderName(index: number, stageCount: number, uid: string): string {
  return `${String(index).padStart(String(stageCount).length, '0')}_${uid}`
}

function stageKind(className: string, where: string): StageKind<unknown> {
  const found = STAGE_KINDS.get(className)
  if (!found) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${where} is a ${className}, which the native evaluator does not support`,
      {
        hint: `Supported stages: ${SUPPORTED_STAGE_CLASSES.map((name) => name.split('.').pop()).join(', ')}`,
      },
    )
  }
  return found
}

export async function readPipelineData(dir: string): Promise<PipelineData> {
  const metadata = await readMetadata(dir)
  if (metadata.class !== PIPELINE_MODEL_CLASS) {
    throw new TrafficError(
      'MODEL_UNSUPPORTED',
      `${dir} holds a ${metadata.class}, not a ${PIPELINE_MODEL_CLASS}`,
    )
  }
  const uids = requireParam<string[]>(metadata, 'stageUids')
  const stages: PipelineData['stages'] = []
  for (const [index, uid] of uids.entries()) {
    const stageDir = path.join(dir, 'stages', stageFolderName(index, uids.length, uid))
    const stageMetadata = await readMetadata(stageDir)
    const read = stageKind(stageMetadata.class, `Stage ${index} of ${dir}`).read
    stages.push({ className: stageMetadata.class, params: await read(stageDir, stageMetadata) })
  }
  return {
    dir,
    uid: metadata.uid,
    sparkVersion: metadata.sparkVersion,
    timestamp: metadata.timestamp,
    stages,
  }
}

export function buildPipeline(data: PipelineData): PipelineModel {
  const stages = data.stages.map(({ className, params }, index) =>
    stageKind(className, `Stage ${index} of ${data.dir}`).create(params),
  )
  return { dir: data.dir, uid: data.uid, sparkVersion: data.sparkVersion, timestamp: data.timestamp, stages }
}

export async function readPipelineModel(dir: string): Promise<PipelineModel> {
  return buildPipeline(await readPipelineData(dir))
}
