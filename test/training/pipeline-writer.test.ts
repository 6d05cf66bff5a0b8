import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PIPELINE_MODEL_CLASS } from '../../src/serving/pipeline-model.ts'
import { newPipelineUid, pipelineMetadata } from '../../src/training/pipeline-writer.ts'

test('PipelineModel metadata has the keys of DefaultParamsWriter, in its order, and the class serving reads', () => {
  const metadata = pipelineMetadata(
    'pipeline_0123456789ab',
    ['StringIndexer_a', 'VectorAssembler_b'],
    '4.2.0',
    1700,
  )
  assert.equal(
    JSON.stringify(metadata),
    '{"class":"org.apache.spark.ml.PipelineModel","timestamp":1700,"sparkVersion":"4.2.0",' +
      '"uid":"pipeline_0123456789ab","paramMap":{"stageUids":["StringIndexer_a","VectorAssembler_b"]},' +
      '"defaultParamMap":{}}',
  )
  assert.equal(metadata.class, PIPELINE_MODEL_CLASS)
})

test('the timestamp defaults to now, in milliseconds', () => {
  const before = Date.now()
  const { timestamp } = pipelineMetadata('pipeline_0123456789ab', [], '4.2.0')
  assert.ok(timestamp >= before && timestamp <= Date.now())
})

test('a PipelineModel uid looks like the one Scala Pipeline.fit gives: pipeline_ and 12 hex digits', () => {
  const uid = newPipelineUid()
  assert.match(uid, /^pipeline_[0-9a-f]{12}$/)
  assert.notEqual(uid, newPipelineUid())
})
