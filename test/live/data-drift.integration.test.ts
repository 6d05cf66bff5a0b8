// Data drift on real data: the training bins are computed on Spark from a generated data set (as training does),
// then a simulated day of live rows — drawn as the live feed draws them — is compared with them. A normal day
// shows no significant drift on any feature; a drift:<City> day raises Traffic Density's PSI well above it.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { LiveDrift } from '../../src/api/services/live-drift.ts'
import { loadConfig } from '../../src/config.ts'
import { BATCH_SCHEMA } from '../../src/contract/batch-schema.ts'
import { DAYS_OF_WEEK } from '../../src/contract/columns.ts'
import { type CityDrift, drawRecord } from '../../src/dataset/generator.ts'
import { Random } from '../../src/dataset/random.ts'
import { type FeatureBins, featureBins, PSI_LEVELS } from '../../src/drift.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { literalHadoopPath, type SparkSession } from '../../src/spark/index.ts'
import { cleanUp, generateCsv, tempDir } from '../stream/helpers.ts'

const ROWS_PER_HOUR = 400
let spark: SparkSession
let work: string
let bins: FeatureBins[]

before(async () => {
  work = await tempDir('data-drift')
  spark = await connectSpark(loadConfig())
  await spark
    .readCsv(literalHadoopPath(await generateCsv(work, 50_000, 13)), { schema: [...BATCH_SCHEMA] })
    .createOrReplaceTempView('drift_training')
  bins = await featureBins(spark, 'drift_training')
})
after(async () => {
  await spark?.close()
  await cleanUp({ dirs: [work] })
})

/** PSI per feature of a simulated Tuesday of live rows, over a window that holds the whole day. */
function dayPsi(seed: number, drift?: CityDrift): Record<string, number> {
  const live = new LiveDrift(24 * ROWS_PER_HOUR)
  const random = new Random(seed)
  for (let hour = 0; hour < 24; hour++) {
    for (let i = 0; i < ROWS_PER_HOUR; i++) {
      live.add(drawRecord(random, { at: { day: DAYS_OF_WEEK[1], hour }, drift }), bins)
    }
  }
  return Object.fromEntries(live.summary(bins).features.map((f) => [f.feature, f.psi]))
}

test('training bins: deciles of each measure and every category, with shares summing to 1', () => {
  assert.deepEqual(
    bins.map((b) => b.feature),
    [
      'Speed',
      'Energy Consumption',
      'Traffic Density',
      'City',
      'Vehicle Type',
      'Weather',
      'Economic Condition',
      'Random Event Occurred',
    ],
  )
  for (const feature of bins) {
    assert.ok(Math.abs(feature.shares.reduce((sum, s) => sum + s, 0) - 1) < 1e-9, feature.feature)
    if (feature.kind === 'measure') {
      assert.equal(feature.edges.length, 9, feature.feature)
      for (const share of feature.shares)
        assert.ok(Math.abs(share - 0.1) < 0.01, `${feature.feature} ${share}`)
    }
  }
})

test('a normal live day drifts on no feature; a drift:Neuroburg day moves Traffic Density', (t) => {
  const normal = dayPsi(101)
  const drifted = dayPsi(101, { city: 'Neuroburg' })
  t.diagnostic(`PSI normal day ${JSON.stringify(normal)}`)
  t.diagnostic(`PSI drift:Neuroburg day ${JSON.stringify(drifted)}`)
  for (const [feature, psi] of Object.entries(normal))
    assert.ok(psi < PSI_LEVELS.moderate, `${feature} ${psi}`)
  assert.ok((drifted['Traffic Density'] as number) > 2 * (normal['Traffic Density'] as number))
  assert.ok((drifted.City as number) < PSI_LEVELS.moderate)
})
