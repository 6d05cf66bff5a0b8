// Spark-style metadata folders for reader tests (stages that need no Parquet data, e.g. VectorAssembler).
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { stageFolderName } from '../../src/serving/pipeline-model.ts'

/** Writes Spark-style metadata (`metadata/part-00000-<id>-c000.txt` + `_SUCCESS`) for an ML object. */
export function writeMetadata(dir: string, metadata: object): void {
  mkdirSync(path.join(dir, 'metadata'), { recursive: true })
  writeFileSync(path.join(dir, 'metadata', 'part-00000-1b2c-c000.txt'), `${JSON.stringify(metadata)}\n`)
  writeFileSync(path.join(dir, 'metadata', '_SUCCESS'), '')
}

export function writePipeline(
  root: string,
  name: string,
  stages: { uid: string; class: string; paramMap?: object }[],
): string {
  const dir = path.join(root, name)
  writeMetadata(dir, {
    class: 'org.apache.spark.ml.PipelineModel',
    timestamp: 1795824685552,
    sparkVersion: '4.2.0',
    uid: `pipeline_${name}`,
    paramMap: { stageUids: stages.map((stage) => stage.uid) },
    defaultParamMap: {},
  })
  stages.forEach((stage, index) => {
    writeMetadata(path.join(dir, 'stages', stageFolderName(index, stages.length, stage.uid)), {
      class: stage.class,
      timestamp: 1795824685552,
      sparkVersion: '4.2.0',
      uid: stage.uid,
      paramMap: stage.paramMap ?? {},
      defaultParamMap: {},
    })
  })
  return dir
}

export const assembler = (uid: string) => ({
  uid,
  class: 'org.apache.spark.ml.feature.VectorAssembler',
  paramMap: { inputCols: ['Speed'], outputCol: `out_${uid}` },
})
