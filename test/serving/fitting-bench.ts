// Shared by the parity tests that fit pipelines inside the test over the real Spark Connect server: a generated data
// set and a session for the file, a fit on 80 % of the rows, and the check that the saved PipelineModel, scored by
// the native evaluator, gives Spark's own outputs on the held-out rows.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { BATCH_SCHEMA } from '../../src/contract/batch-schema.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import type { DataFrame, SparkSession } from '../../src/spark/index.ts'
import type { ModelSpec } from '../../src/training/model-specs.ts'
import { collectParity } from '../../src/training/parity.ts'
import { applyStages, type FittedStage, fitPipeline, type PlannedStage } from '../../src/training/pipeline.ts'
import { writePipelineModel } from '../../src/training/pipeline-writer.ts'
import { assertParity, type SparkOutput } from './parity.ts'

const ROWS = 6_000

export interface FittingBench {
  /** The folder of the data set and of the saved models. */
  dir(): string
  spark(): SparkSession
  /** Fits `planned` on 80 % of the rows (split by `splitSeed`); fails on any Fit warning. */
  fit(
    planned: readonly PlannedStage[],
    splitSeed: number,
  ): Promise<{ stages: FittedStage[]; heldOut: DataFrame }>
  /** Saves the stages under `name`, and asserts the native evaluator reproduces Spark on the held-out rows. */
  assertSavedParity(
    model: ModelSpec,
    stages: readonly FittedStage[],
    heldOut: DataFrame,
    name: string,
  ): Promise<SparkOutput[]>
}

/** Registers the file's before/after hooks: `ROWS` generated rows (by `dataSeed`) and a Spark session. */
export function fittingBench(name: string, dataSeed: number): FittingBench {
  let dir: string | undefined
  let spark: SparkSession | undefined
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), `${name}-`))
    const next = createSyntheticSource(dataSeed)
    const lines = [CSV_HEADER, ...Array.from({ length: ROWS }, () => encodeCsvLine(next()))]
    await writeFile(path.join(dir, 'data.csv'), `${lines.join('\n')}\n`)
    spark = await connectSpark(loadConfig())
  })
  after(async () => {
    await spark?.ml.cleanCache().catch(() => undefined)
    await spark?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })
  const ready = <T>(value: T | undefined): T =>
    value ?? assert.fail('the bench is used before its before() hook ran')
  const bench: FittingBench = {
    dir: () => ready(dir),
    spark: () => ready(spark),
    async fit(planned, splitSeed) {
      const session = bench.spark()
      const data = session.readCsv(path.join(bench.dir(), 'data.csv'), {
        schema: [...BATCH_SCHEMA],
        header: true,
      })
      const [train, heldOut] = data.randomSplit([0.8, 0.2], splitSeed) as [DataFrame, DataFrame]
      const stages = await fitPipeline(session, planned, train, {
        step: (_label, fit) => fit(),
        fitted: () => undefined,
        warning: (stage, message) => assert.fail(`${stage}: ${message}`),
      })
      return { stages, heldOut }
    },
    async assertSavedParity(model, stages, heldOut, modelName) {
      const modelDir = path.join(bench.dir(), modelName)
      await writePipelineModel(bench.spark(), stages, modelDir)
      const outputs = await collectParity(model, applyStages(bench.spark(), stages, heldOut), 2_000)
      assert.ok(outputs.length > 1_000, `only ${outputs.length} held-out rows`)
      const result = await assertParity(modelDir, outputs)
      assert.equal(result.rows, outputs.length)
      return outputs
    },
  }
  return bench
}
