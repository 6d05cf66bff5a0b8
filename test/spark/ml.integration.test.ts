// The ML round trip over Spark Connect on a tiny data set: StringIndexer → VectorAssembler →
// RandomForestRegressor, predictions, save/load in Spark's native format, importances, evaluation, cleanup.
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import type { DataFrame } from '../../src/spark/dataframe.ts'
import type { SparkSession } from '../../src/spark/index.ts'
import type { ModelRef } from '../../src/spark/ml.ts'
import { type MlVector, toDense } from '../../src/spark/ml-values.ts'
import { connectPinned } from './pinned-session.ts'

const STRING_INDEXER = 'org.apache.spark.ml.feature.StringIndexer'
const STRING_INDEXER_MODEL = 'org.apache.spark.ml.feature.StringIndexerModel'
const VECTOR_ASSEMBLER = 'org.apache.spark.ml.feature.VectorAssembler'
const FOREST = 'org.apache.spark.ml.regression.RandomForestRegressor'
const FOREST_MODEL = 'org.apache.spark.ml.regression.RandomForestRegressionModel'
const EVALUATOR = 'org.apache.spark.ml.evaluation.RegressionEvaluator'

const folder = mkdtempSync(path.join(tmpdir(), 'spark-ml-'))
let spark: SparkSession
let data: DataFrame
let indexer: ModelRef
let forest: ModelRef
let assembled: DataFrame

/** y depends strongly on x and a little on the city. */
const DATA = `SELECT id, CAST(id % 20 AS DOUBLE) AS x, element_at(array('AquaCity', 'SolarisVille', 'MetropolisX'), CAST(id % 3 + 1 AS INT)) AS city,
  CAST(id % 20 AS DOUBLE) * 2 + (id % 3) AS y FROM range(90)`

function assemble(indexerModel: ModelRef, input: DataFrame): DataFrame {
  const indexed = spark.ml.transform(indexerModel, input)
  return spark.ml.transform(
    { className: VECTOR_ASSEMBLER, params: { inputCols: ['x', 'city_idx'], outputCol: 'features' } },
    indexed,
  )
}

async function predictions(model: ModelRef, input: DataFrame): Promise<number[]> {
  const rows = await spark.ml.transform(model, input).select('id', 'prediction').collect()
  return rows.sort((a, b) => (a.id as number) - (b.id as number)).map((row) => row.prediction as number)
}

before(async () => {
  spark = await connectPinned(loadConfig().spark.remote)
  data = spark.sql(DATA)
  indexer = await spark.ml.fit(
    { className: STRING_INDEXER, params: { inputCol: 'city', outputCol: 'city_idx', handleInvalid: 'keep' } },
    data,
  )
  assembled = assemble(indexer, data)
  forest = await spark.ml.fit(
    {
      className: FOREST,
      params: { featuresCol: 'features', labelCol: 'y', numTrees: 10, maxDepth: 5, seed: 42 },
    },
    assembled,
  )
})
after(async () => {
  await spark.close()
  rmSync(folder, { recursive: true, force: true })
})

test('fit returns model references with the estimator uid and no warning on a tiny model', () => {
  assert.match(indexer.uid, /^StringIndexer_[0-9a-f]{12}$/)
  assert.match(forest.uid, /^RandomForestRegressor_[0-9a-f]{12}$/)
  assert.notEqual(indexer.id, forest.id)
  assert.equal(forest.warning, undefined)
})

test('StringIndexer labels are fetched and applied by frequency then name', async () => {
  assert.deepEqual(await spark.ml.fetch(indexer, 'labels'), ['AquaCity', 'MetropolisX', 'SolarisVille'])
  const rows = await spark.ml.transform(indexer, data).select('city', 'city_idx').limit(3).collect()
  assert.deepEqual(rows, [
    { city: 'AquaCity', city_idx: 0 },
    { city: 'SolarisVille', city_idx: 2 },
    { city: 'MetropolisX', city_idx: 1 },
  ])
})

test('VectorAssembler output is an ML vector column that collects as numbers', async () => {
  const [row] = await assembled.filter('id = 4').select('features').collect()
  assert.deepEqual(row, { features: [4, 2] })
  const features = (await assembled.schema()).find((field) => field.name === 'features')
  assert.equal(features?.type, 'vector')
  assert.ok(features?.metadata?.ml_attr, 'assembler writes feature names into ml_attr')
})

test('forest predictions follow the label, and RMSE from the evaluator matches them', async () => {
  const labels = (await data.select('id', 'y').collect()).sort((a, b) => (a.id as number) - (b.id as number))
  const predicted = await predictions(forest, assembled)
  assert.equal(predicted.length, 90)
  const rmse = Math.sqrt(
    predicted.reduce((sum, p, i) => sum + (p - (labels[i]?.y as number)) ** 2, 0) / predicted.length,
  )
  assert.ok(rmse < 5, `training RMSE ${rmse} on a label with range 0–40`)
  const evaluated = await spark.ml.evaluate(
    { className: EVALUATOR, params: { labelCol: 'y', predictionCol: 'prediction', metricName: 'rmse' } },
    spark.ml.transform(forest, assembled),
  )
  assert.ok(Math.abs(evaluated - rmse) < 1e-9, `evaluator ${evaluated} vs computed ${rmse}`)
})

test('featureImportances and numFeatures are fetched from the cached model', async () => {
  const importances = (await spark.ml.fetch(forest, 'featureImportances')) as MlVector
  assert.equal(importances.size, 2)
  const sum = importances.values.reduce((a, b) => a + b, 0)
  assert.ok(Math.abs(sum - 1) < 1e-9, `importances sum to ${sum}`)
  const [xImportance = 0] = toDense(importances)
  assert.ok(xImportance > 0.8, `x dominates: ${JSON.stringify(importances)}`)
  assert.equal(await spark.ml.fetch(forest, 'numFeatures'), 2)
})

test('a model written in native format reads back and predicts the same', async () => {
  const forestPath = path.join(folder, 'forest')
  const indexerPath = path.join(folder, 'indexer')
  await spark.ml.write(forest, forestPath)
  await spark.ml.write(indexer, indexerPath)
  await assert.rejects(spark.ml.write(forest, forestPath), { code: 'SERVER_ERROR' }, 'no silent overwrite')
  await spark.ml.write(forest, forestPath, { overwrite: true })
  // Spark 4 writes metadata as a one-line text part file: metadata/part-00000-<uuid>-c000.txt
  const metadataDir = path.join(forestPath, 'metadata')
  const part = readdirSync(metadataDir).find((name) => name.startsWith('part-00000'))
  assert.ok(part, 'metadata part file')
  const metadata = JSON.parse(readFileSync(path.join(metadataDir, part), 'utf8'))
  assert.equal(metadata.class, FOREST_MODEL)
  assert.equal(metadata.uid, forest.uid)
  assert.equal(metadata.sparkVersion, spark.version)
  assert.ok(existsSync(path.join(forestPath, 'data')))

  const loadedForest = await spark.ml.read(FOREST_MODEL, forestPath)
  const loadedIndexer = await spark.ml.read(STRING_INDEXER_MODEL, indexerPath)
  assert.equal(loadedForest.uid, forest.uid)
  assert.equal(loadedForest.params.numTrees, 10)
  assert.ok(loadedForest.ref && loadedIndexer.ref)
  const reassembled = assemble(loadedIndexer.ref, data)
  assert.deepEqual(await predictions(loadedForest.ref, reassembled), await predictions(forest, assembled))
  assert.deepEqual(await spark.ml.delete(loadedForest.ref, loadedIndexer.ref), [
    loadedForest.ref.id,
    loadedIndexer.ref.id,
  ])
})

test('a bad param or an unknown operator is a SERVER_ERROR saying which fit failed', async () => {
  await assert.rejects(
    spark.ml.fit({ className: FOREST, params: { numTrees: 'many' } }, assembled),
    (error: Error & { code?: string }) =>
      error.code === 'SERVER_ERROR' && /numTrees|many|Integer|Number/.test(error.message),
  )
  await assert.rejects(spark.ml.fit({ className: 'org.example.Nope', params: {} }, assembled), /Nope/)
})

test("fit surfaces the server's warning when the ML cache size limit stops tree growth", async () => {
  // maxModelSize is a session config; trees stop growing at maxModelSize / 2.5 and the server says so.
  const limited = await connectPinned(loadConfig().spark.remote)
  try {
    await limited.setConf({ 'spark.connect.session.connectML.mlCache.memoryControl.maxModelSize': '50000' })
    const noisy = limited.sql('SELECT rand(1) * 100 AS x, rand(2) * 100 AS z, rand(3) AS y FROM range(5000)')
    const features = limited.ml.transform(
      { className: VECTOR_ASSEMBLER, params: { inputCols: ['x', 'z'], outputCol: 'features' } },
      noisy,
    )
    const model = await limited.ml.fit(
      { className: FOREST, params: { labelCol: 'y', numTrees: 20, maxDepth: 12, seed: 1 } },
      features,
    )
    assert.match(
      model.warning ?? '',
      /training stops early because the model size \(\d+ bytes\) exceeds threshold \(20000 bytes\)/,
    )
  } finally {
    await limited.close()
  }
})

test('deleted models are gone from the cache; cleanCache empties the rest', async () => {
  const extra = await spark.ml.fit(
    { className: STRING_INDEXER, params: { inputCol: 'city', outputCol: 'c2' } },
    data,
  )
  assert.deepEqual(await spark.ml.delete(extra), [extra.id])
  await assert.rejects(spark.ml.fetch(extra, 'labels'), { code: 'SERVER_ERROR' })
  assert.ok((await spark.ml.cleanCache()) >= 2, 'indexer and forest were still cached')
  await assert.rejects(spark.ml.fetch(forest, 'numFeatures'), { code: 'SERVER_ERROR' })
})
