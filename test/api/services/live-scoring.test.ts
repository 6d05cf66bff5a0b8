import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LiveScorer, RollingErrors } from '../../../src/api/services/live-scoring.ts'
import { loadModelSet } from '../../../src/serving/model-set.ts'
import { REAL_ROW } from '../../fixtures/records.ts'
import { SPARK_MODELS_DIR } from '../../spark-models.ts'

test('the rolling error covers exactly the last N errors', () => {
  const rolling = new RollingErrors(3)
  assert.equal(rolling.summary(), null)
  for (const error of [10, -1, 2, -3]) rolling.add(error)
  // 10 has left the window: |-1|, |2|, |-3|.
  const summary = rolling.summary()
  assert.equal(summary?.count, 3)
  assert.ok(Math.abs((summary?.mae ?? 0) - 2) < 1e-12)
  assert.ok(Math.abs((summary?.rmse ?? 0) - Math.sqrt(14 / 3)) < 1e-12)
})

test('scoring is capped per second; what is left over is counted, not scored', async () => {
  const models = await loadModelSet(SPARK_MODELS_DIR)
  const scorer = new LiveScorer(100, 2)
  for (const now of [1000, 1100, 1200, 2000]) scorer.score(REAL_ROW, models, now)
  scorer.rejected('not valid JSON')
  scorer.madeUp()
  const summary = scorer.summary(models, null)
  assert.equal(summary.scenario_rows, 1, 'a made-up row is counted, not scored')
  assert.equal(summary.scored, 3)
  assert.equal(summary.skipped, 1)
  assert.equal(summary.malformed, 1)
  assert.equal(summary.last_malformed, 'not valid JSON')
  const density = summary.models.find((model) => model.id === 'traffic_density')
  const predicted = models.get('traffic_density')?.model?.evaluator.predict(REAL_ROW).prediction ?? Number.NaN
  assert.equal(density?.live?.count, 3)
  assert.ok(Math.abs((density?.live?.mae ?? 0) - Math.abs(predicted - REAL_ROW['Traffic Density'])) < 1e-12)
  assert.deepEqual(
    density?.cities.map((c) => [c.city, c.count]),
    [['AquaCity', 3]],
  )
  assert.equal(density?.held_out, null, 'no report.json given')
})
