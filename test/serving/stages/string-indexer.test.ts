import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  createStringIndexer,
  type HandleInvalid,
  UnseenLabelError,
} from '../../../src/serving/stages/string-indexer.ts'
import { runStage } from './layout.ts'

const indexer = (handleInvalid: HandleInvalid) =>
  createStringIndexer({
    uid: 'strIdx_test',
    inputCols: ['City', 'Hour Of Day', 'label'],
    outputCols: ['city_idx', 'hour_idx', 'label_idx'],
    labelsArray: [['MetropolisX', 'AquaCity'], ['8', '17'], ['a']],
    handleInvalid,
  })

test('known labels map to their index; numbers are indexed by their text like Spark casts them', () => {
  const out = runStage(indexer('error'), { City: ['string', 'AquaCity'], 'Hour Of Day': ['number', 17] })
  assert.equal(out.get('city_idx'), 1)
  assert.equal(out.get('hour_idx'), 1)
})

test('an input column absent at transform time is skipped, as Spark does (e.g. a label indexer)', () => {
  const out = runStage(indexer('error'), { City: ['string', 'MetropolisX'], 'Hour Of Day': ['number', 8] })
  assert.equal(out.layout.find('label_idx'), undefined)
  assert.equal(out.get('city_idx'), 0)
})

test('handleInvalid=keep gives unseen and missing values the index labels.length', () => {
  const unseen = runStage(indexer('keep'), { City: ['string', 'Atlantis'], 'Hour Of Day': ['number', 3] })
  assert.equal(unseen.get('city_idx'), 2)
  assert.equal(unseen.get('hour_idx'), 2)
  const missing = runStage(indexer('keep'), { City: ['string', undefined], 'Hour Of Day': ['number', 8] })
  assert.equal(missing.get('city_idx'), 2)
})

test('handleInvalid=error and skip reject an unseen value, naming the column and the known labels', () => {
  for (const mode of ['error', 'skip'] as const) {
    assert.throws(
      () => runStage(indexer(mode), { City: ['string', 'Atlantis'], 'Hour Of Day': ['number', 8] }),
      (error) =>
        error instanceof UnseenLabelError &&
        error.code === 'INVALID_INPUT' &&
        error.column === 'City' &&
        error.message.includes(`handleInvalid=${mode}`) &&
        error.message.includes('Known: MetropolisX, AquaCity'),
    )
  }
})
