import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { isTrafficError } from '../../src/errors.ts'
import { readPipelineModel, stageFolderName } from '../../src/serving/pipeline-model.ts'
import { assembler, writeMetadata, writePipeline } from './metadata-files.ts'

const root = mkdtempSync(path.join(tmpdir(), 'pipeline-model-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('stage folders are <index>_<uid>, the index padded to the digits of the stage count', () => {
  assert.equal(stageFolderName(2, 3, 'rfr_1'), '2_rfr_1')
  assert.equal(stageFolderName(2, 12, 'rfr_1'), '02_rfr_1')
})

test('a PipelineModel is read with its uid, Spark version, timestamp and stages in order', async () => {
  const uids = Array.from({ length: 11 }, (_, i) => `vecAssembler_${i}`)
  const model = await readPipelineModel(writePipeline(root, 'eleven', uids.map(assembler)))
  assert.equal(model.uid, 'pipeline_eleven')
  assert.equal(model.sparkVersion, '4.2.0')
  assert.equal(model.timestamp, 1795824685552)
  assert.deepEqual(
    model.stages.map((stage) => stage.uid),
    uids,
  )
})

test('an unsupported stage is refused with MODEL_UNSUPPORTED naming its class and the supported ones', async () => {
  const dir = writePipeline(root, 'tokenizer', [
    assembler('va'),
    { uid: 'tok_1', class: 'org.apache.spark.ml.feature.Tokenizer' },
  ])
  await assert.rejects(readPipelineModel(dir), (error) => {
    assert.ok(isTrafficError(error, 'MODEL_UNSUPPORTED'))
    assert.match(error.message, /Stage 1 of .* is a org\.apache\.spark\.ml\.feature\.Tokenizer/)
    assert.match(
      error.hint ?? '',
      /StringIndexerModel, OneHotEncoderModel, VectorAssembler, StandardScalerModel/,
    )
    return true
  })
})

test('a folder that is not a saved PipelineModel gives MODEL_NOT_FOUND or MODEL_UNSUPPORTED, not a crash', async () => {
  await assert.rejects(readPipelineModel(path.join(root, 'absent')), (error) =>
    isTrafficError(error, 'MODEL_NOT_FOUND'),
  )
  const stage = path.join(root, 'bare-stage')
  writeMetadata(stage, {
    class: 'org.apache.spark.ml.feature.VectorAssembler',
    uid: 'va',
    sparkVersion: '4.2.0',
    paramMap: {},
  })
  await assert.rejects(readPipelineModel(stage), (error) => isTrafficError(error, 'MODEL_UNSUPPORTED'))
  const half = writePipeline(root, 'half-written', [assembler('va_0')])
  rmSync(path.join(half, 'stages'), { recursive: true })
  await assert.rejects(readPipelineModel(half), (error) => isTrafficError(error, 'MODEL_NOT_FOUND'))
  mkdirSync(path.join(root, 'garbage', 'metadata'), { recursive: true })
  writeFileSync(path.join(root, 'garbage', 'metadata', 'part-00000'), 'not json')
  await assert.rejects(readPipelineModel(path.join(root, 'garbage')), (error) =>
    isTrafficError(error, 'MODEL_UNSUPPORTED'),
  )
})
