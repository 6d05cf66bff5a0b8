import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import type { CompiledForest } from '../../src/serving/forest.ts'
import { LEAF } from '../../src/serving/forest.ts'
import { checkPipelineData } from '../../src/serving/model-checks.ts'
import { type PipelineData, readPipelineData } from '../../src/serving/pipeline-model.ts'
import { SPARK_MODELS_DIR } from '../spark-models.ts'

async function spark(folder: string): Promise<PipelineData> {
  return readPipelineData(path.join(SPARK_MODELS_DIR, folder))
}

const forestOf = (data: PipelineData) =>
  ((data.stages.at(-1) as PipelineData['stages'][number]).params as { forest: CompiledForest }).forest

test('the Spark-written models pass', async () => {
  for (const folder of ['traffic_density_model', 'peak_hour_model', 'energy_consumption_model']) {
    checkPipelineData(await spark(folder))
  }
})

test('a classifier leaf with all-zero class counts is refused', async () => {
  const data = await spark('peak_hour_model')
  const forest = forestOf(data)
  const leaf = forest.links.findIndex((link, i) => i % 2 === 0 && link === LEAF) / 2
  const start = forest.values[leaf] as number
  forest.classWeights.fill(0, start, start + forest.numClasses)
  assert.throws(
    () => checkPipelineData(data),
    /stage 2 \(RandomForestClassificationModel\): a leaf has no class counts/,
  )
})

test('non-finite thresholds or leaf values are refused, with where they are', async () => {
  for (const bad of [Number.NaN, Number.POSITIVE_INFINITY]) {
    const data = await spark('energy_consumption_model')
    forestOf(data).values[3] = bad
    assert.throws(() => checkPipelineData(data), new RegExp(`forest\\.values\\[3\\] is ${bad}`))
  }
})

test('a save time that is not a number of milliseconds is refused', async () => {
  for (const timestamp of ['soon', 1e300, null]) {
    const data = { ...(await spark('traffic_density_model')), timestamp } as unknown as PipelineData
    assert.throws(() => checkPipelineData(data), /its metadata timestamp .* is not a time in milliseconds/)
  }
})
