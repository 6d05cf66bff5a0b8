// Spark on s3a:// with the connector jar set `traffic engines fetch --with s3` fetches (not the SDK bundle): a
// Spark Connect server of its own, launched as `traffic engines start` launches it when TRAFFIC_BATCHES is an s3://
// location, against a real S3Proxy. Training reads its batch objects over s3a; Spark writes CSV and a PipelineModel
// to the bucket and reads them back.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import type { Config } from '../../src/config.ts'
import { BATCH_SCHEMA } from '../../src/contract/batch-schema.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import type { DataFrame, ModelRef, OperatorSpec, SparkSession } from '../../src/spark/index.ts'
import { S3Store } from '../../src/storage/s3-store.ts'
import { batchFileName } from '../../src/stream/batch-files.ts'
import { findBatchFiles } from '../../src/training/batches.ts'
import type { ClassificationMetrics, RegressionMetrics } from '../../src/training/evaluate.ts'
import { MODEL_SPECS, type ModelSpec } from '../../src/training/model-specs.ts'
import { openModels } from '../../src/training/models-publisher.ts'
import { applyStages, fitPipeline, planPipeline } from '../../src/training/pipeline.ts'
import { writePipelineModel } from '../../src/training/pipeline-writer.ts'
import type { TrainingReport } from '../../src/training/report.ts'
import { paramsWith, train } from '../../src/training/train.ts'
import { type RunningS3Proxy, startS3Proxy } from './s3proxy-fixture.ts'
import { type SparkOnS3, startSparkOnS3Proxy } from './spark-on-s3proxy.ts'

const TOPIC = 'city'
const ROWS_PER_OBJECT = 5000
const OBJECTS = 2

let s3proxy: RunningS3Proxy
let config: Config
let sparkOnS3: SparkOnS3
let spark: SparkSession
let work: string

/** Batch objects written by the Node client, as the consumer writes them. */
async function writeBatchObjects(store: S3Store): Promise<void> {
  const next = createSyntheticSource(7)
  for (let object = 0; object < OBJECTS; object++) {
    const lines = [CSV_HEADER]
    for (let i = 0; i < ROWS_PER_OBJECT; i++) lines.push(encodeCsvLine(next()))
    const first = BigInt(object * ROWS_PER_OBJECT)
    const key = batchFileName(TOPIC, 0, first, first + BigInt(ROWS_PER_OBJECT - 1))
    assert.ok(await store.createIfAbsent(key, `${lines.join('\n')}\n`))
  }
}

before(async () => {
  s3proxy = await startS3Proxy()
  work = await mkdtemp(path.join(tmpdir(), 'spark-s3a-'))
  sparkOnS3 = await startSparkOnS3Proxy(s3proxy, work, path.join(work, 'models'))
  config = sparkOnS3.config
  await writeBatchObjects(new S3Store(config.storage.s3, s3proxy.bucket, 'batches/'))
  spark = await connectSpark(config)
})

after(async () => {
  await spark?.close()
  await sparkOnS3?.stop()
  await s3proxy?.stop()
  await rm(work, { recursive: true, force: true })
})

test('the batch objects are found through the store and named for Spark as s3a:// paths', async () => {
  const paths = await findBatchFiles(config.paths.batches, TOPIC, config.storage.s3)
  assert.deepEqual(paths, [
    `s3a://${s3proxy.bucket}/batches/${batchFileName(TOPIC, 0, 0n, 4999n)}`,
    `s3a://${s3proxy.bucket}/batches/${batchFileName(TOPIC, 0, 5000n, 9999n)}`,
  ])
})

test('Spark writes a CSV folder to s3a:// and reads back the same rows', async () => {
  const paths = await findBatchFiles(config.paths.batches, TOPIC, config.storage.s3)
  const batches = spark.readCsv(paths, { schema: [...BATCH_SCHEMA] })
  const copy = `s3a://${s3proxy.bucket}/csv-copy`
  await batches.writeCsv(copy)
  const back = spark.readCsv(copy, { schema: [...BATCH_SCHEMA] })
  assert.equal(await back.count(), OBJECTS * ROWS_PER_OBJECT)
  const aggregate = (table: typeof batches) =>
    table.select('round(sum(`Energy Consumption`), 2) AS energy', 'sum(`Hour Of Day`) AS hours').collect()
  assert.deepEqual(await aggregate(back), await aggregate(batches))
  const written = await new S3Store(config.storage.s3, s3proxy.bucket, 'csv-copy/').list()
  assert.ok(written.includes('_SUCCESS') && written.some((key) => key.endsWith('.csv')), String(written))
})

test('training reads the batch objects over s3a: three models with sane held-out metrics', async () => {
  const report: TrainingReport = await train({
    batchesDir: config.paths.batches,
    topic: TOPIC,
    models: openModels(config.paths.models, config.storage.s3),
    connection: config,
    params: paramsWith({ numTrees: 10, maxDepth: 5 }),
    parityRows: 200,
    log: () => {},
  })
  assert.equal(report.batches.rows, OBJECTS * ROWS_PER_OBJECT)
  const density = report.models.traffic_density_model.metrics as RegressionMetrics
  const peak = report.models.peak_hour_model.metrics as ClassificationMetrics
  const energy = report.models.energy_consumption_model.metrics as RegressionMetrics
  assert.ok(density.r2 > 0.2 && density.rmse > 0, JSON.stringify(density))
  assert.ok(energy.r2 > 0.8, JSON.stringify(energy))
  assert.ok(peak.accuracy > 0.8, JSON.stringify(peak))
})

test('Spark writes a PipelineModel to s3a:// whose stages, read back from there, predict the same', async () => {
  const spec = MODEL_SPECS.find((model) => model.name === 'energy_consumption_model') as ModelSpec
  const paths = await findBatchFiles(config.paths.batches, TOPIC, config.storage.s3)
  const data = spark.readCsv(paths, { schema: [...BATCH_SCHEMA] })
  const tree = { algorithm: 'gbt', numTrees: 5, maxDepth: 4, maxBins: 32, stepSize: 0.3 } as const
  const refs: ModelRef[] = []
  const stages = await fitPipeline(spark, planPipeline(spec, 'indexed', tree, 1), data, {
    step: (_label, fit) => fit(),
    fitted: (ref) => refs.push(ref),
    warning: () => {},
  })
  const dir = `s3a://${s3proxy.bucket}/models/${spec.name}`
  const { stageFolders } = await writePipelineModel(spark, stages, dir)
  const keys = await new S3Store(config.storage.s3, s3proxy.bucket, `models/${spec.name}/`).list()
  assert.ok(keys.includes('metadata/_SUCCESS'), String(keys))
  for (const folder of stageFolders) assert.ok(keys.includes(`${folder}/metadata/_SUCCESS`), String(keys))

  const readBack: (ModelRef | OperatorSpec)[] = []
  for (const [index, stage] of stages.entries()) {
    const stageDir = `${dir}/${stageFolders[index]}`
    if (stage.transformer) {
      const read = await spark.ml.read(stage.className, stageDir, 'transformer')
      readBack.push({
        className: stage.className,
        uid: read.uid,
        params: read.params as OperatorSpec['params'],
      })
    } else {
      const { ref } = await spark.ml.read(stage.className, stageDir, 'model')
      assert.ok(ref)
      refs.push(ref)
      readBack.push(ref)
    }
  }
  const input = data.limit(500)
  const predictions = async (output: DataFrame) =>
    (await output.select('prediction').collect()).map((row) => row.prediction)
  const fitted = await predictions(applyStages(spark, stages, input))
  assert.equal(fitted.length, 500)
  const reloaded = readBack.reduce((df, stage) => spark.ml.transform(stage, df), input)
  assert.deepEqual(await predictions(reloaded), fitted)
  await spark.ml.delete(...refs)
})
