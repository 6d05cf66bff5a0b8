// Saves a client-side fitted pipeline as a native Spark PipelineModel, laid out exactly as Scala's
// PipelineModel.write does (Pipeline.SharedReadWrite.saveImpl): `metadata/` holding one JSON line written by
// Spark itself, and `stages/<index>_<uid>/` holding each stage as the server's own MLWriter saves it.
import { PIPELINE_MODEL_CLASS, stageFolderName } from '../serving/pipeline-model.ts'
import { alias, lit, newUid, type SparkSession } from '../spark/index.ts'
import type { FittedStage } from './pipeline.ts'

export interface PipelineMetadata {
  class: typeof PIPELINE_MODEL_CLASS
  timestamp: number
  sparkVersion: string
  uid: string
  paramMap: { stageUids: string[] }
  defaultParamMap: Record<string, never>
}

/**
 * The metadata DefaultParamsWriter.getMetadataToSave produces for a PipelineModel: the same keys in the same
 * order; `paramMap` holds only `stageUids` and PipelineModel has no params with defaults.
 */
export function pipelineMetadata(
  uid: string,
  stageUids: string[],
  sparkVersion: string,
  timestamp = Date.now(),
): PipelineMetadata {
  return {
    class: PIPELINE_MODEL_CLASS,
    timestamp,
    sparkVersion,
    uid,
    paramMap: { stageUids },
    defaultParamMap: {},
  }
}

/** A uid as Scala's Pipeline.fit gives its PipelineModel: the Pipeline's own, `pipeline_<12 hex>`. */
export function newPipelineUid(): string {
  return newUid('pipeline')
}

export interface WrittenPipeline {
  uid: string
  /** Stage folders relative to the model directory, in order. */
  stageFolders: string[]
}

/** Writes `stages` as a PipelineModel into `dir` (on the Spark server's file system), which must not exist. */
export async function writePipelineModel(
  spark: SparkSession,
  stages: readonly FittedStage[],
  dir: string,
  uid = newPipelineUid(),
): Promise<WrittenPipeline> {
  const metadata = pipelineMetadata(
    uid,
    stages.map((stage) => stage.uid),
    spark.version,
  )
  // Spark's own writer: a one-row, one-partition text DataFrame, so part file, _SUCCESS and checksums are
  // exactly those DefaultParamsWriter.saveMetadata leaves.
  await spark
    .sql('SELECT 1')
    .select(alias(lit(JSON.stringify(metadata)), 'value'))
    .writeText(`${dir}/metadata`, { mode: 'error' })
  const stageFolders: string[] = []
  for (const [index, stage] of stages.entries()) {
    const folder = `stages/${stageFolderName(index, stages.length, stage.uid)}`
    // Joined by hand: path.join would fold the `//` of an `s3a://` location.
    const target = `${dir}/${folder}`
    const written = stage.ref ?? stage.transformer
    if (written) await spark.ml.write(written, target)
    stageFolders.push(folder)
  }
  return { uid, stageFolders }
}
