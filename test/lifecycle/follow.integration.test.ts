// The continuous-training loop on the real engines: a champion trained on normal rows; new normal rows consumed
// into batches bring a deliberately worse challenger (a tiny window, one-level stumps), which is rejected with its
// numbers; then one city drifts in the live feed (the generator's drift scenario, as `traffic live --scenario
// drift:<City>` sends it), the drifted rows are consumed, drift triggers a challenger on the newest window, which
// predicts the density better on the same held-out rows, and is promoted or rejected by the rule on those numbers.
// The comparison's challenger scores are its own held-out metrics again: the same rows, the same evaluators.
import assert from 'node:assert/strict'
import { appendFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import type { Config } from '../../src/config.ts'
import { decide } from '../../src/lifecycle/compare.ts'
import { follow, type Round } from '../../src/lifecycle/follow.ts'
import { type Comparison, registryOf } from '../../src/lifecycle/registry.ts'
import { replay, type Scenario, streamPosition } from '../../src/live/replay.ts'
import { consumeToBatchFiles } from '../../src/stream/consume.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import type { Metrics } from '../../src/training/evaluate.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import { folderModels } from '../../src/training/models-folder.ts'
import type { TrainingParams } from '../../src/training/report.ts'
import { train } from '../../src/training/train.ts'
import { clients, config, consumeOptions, generateCsv, scenario } from '../stream/helpers.ts'

const DATASET_ROWS = 4000
const BATCH_ROWS = 1000
const START = new Date('2026-01-05T06:00:00.000Z')

/** Small learners: the loop is under test, not the models' quality. */
const PARAMS: TrainingParams = {
  encoding: 'indexed',
  seed: 12345,
  models: {
    traffic_density_model: { algorithm: 'gbt', numTrees: 15, maxDepth: 5, maxBins: 32, stepSize: 0.3 },
    peak_hour_model: { algorithm: 'randomForest', numTrees: 10, maxDepth: 6, maxBins: 32 },
    energy_consumption_model: { algorithm: 'gbt', numTrees: 15, maxDepth: 5, maxBins: 32, stepSize: 0.3 },
  },
}
const STUMP = { algorithm: 'randomForest', numTrees: 1, maxDepth: 1, maxBins: 8 } as const
const WORSE: TrainingParams = {
  ...PARAMS,
  models: { traffic_density_model: STUMP, peak_hour_model: STUMP, energy_consumption_model: STUMP },
}

function close(actual: Metrics, expected: Metrics, what: string): void {
  for (const [key, value] of Object.entries(expected)) {
    if (typeof value !== 'number') continue
    const got = (actual as unknown as Record<string, number>)[key] as number
    assert.ok(
      Math.abs(got - value) <= 1e-9 * Math.max(1, Math.abs(value)),
      `${what} ${key}: ${got} ≠ ${value}`,
    )
  }
}

test('a worse challenger is rejected with its numbers; drift triggers a challenger scored with the champion on its held-out rows', async () => {
  const s = await scenario('follow')
  const kafka = { ...config.kafka, topic: s.topic }
  const models = path.join(s.work, 'models')
  const lines: string[] = []
  const log = (line: string) => {
    lines.push(line)
    // The loop's own lines (not training's timed steps), to read when something fails.
    if (!line.startsWith('[')) appendFileSync(path.join(s.work, 'loop.log'), `${line}\n`)
  }
  const base: Config = {
    ...config,
    kafka,
    paths: { ...config.paths, batches: s.dir, models },
    lifecycle: { ...config.lifecycle, pollMs: 200, driftMinRows: 1000 },
  }
  const consume = () => consumeToBatchFiles(clients, consumeOptions(s, { batchSize: BATCH_ROWS }))
  const live = async (rows: number, drift?: Scenario) =>
    replay(clients, {
      topic: s.topic,
      partitions: 1,
      // Many simulated hours per batch file, so each holds peak and off-peak rows.
      clock: 360_000,
      rate: 2000,
      start: START,
      limit: rows,
      position: await streamPosition(kafka),
      ...(drift ? { scenario: drift } : {}),
    })

  // The champion: trained on the data set's rows.
  const dataset = await generateCsv(s.work, DATASET_ROWS, 11)
  await produceCsvToTopic(clients, {
    file: dataset,
    topic: s.topic,
    partitions: 1,
    rejectsFile: `${s.work}/rejects.csv`,
  })
  await consume()
  const champion = await train({
    batchesDir: s.dir,
    topic: s.topic,
    models: folderModels(models),
    connection: config,
    params: PARAMS,
    parityRows: 10,
    log,
  })
  const registry = registryOf(folderModels(models))
  assert.equal((await registry.aliases()).champion, champion.version.id)

  // New normal rows; a challenger with a one-file window and stumps for learners loses.
  await live(BATCH_ROWS)
  await consume()
  const stop = new AbortController()
  const [rejected] = (await follow({
    config: { ...base, lifecycle: { ...base.lifecycle, minNewRows: BATCH_ROWS, windowRows: 1 } },
    params: WORSE,
    parityRows: 10,
    log,
    signal: stop.signal,
    rounds: 1,
  })) as [Round]
  assert.equal(rejected.trigger, `new rows: ${BATCH_ROWS}`)
  assert.equal(rejected.challenger.reason, rejected.trigger)
  assert.equal(rejected.challenger.data.rows <= BATCH_ROWS, true)
  assert.equal(rejected.entry.action, 'reject')
  assert.equal(rejected.entry.to, rejected.challenger.id)
  const lost = rejected.entry.comparison as Comparison
  assert.ok(lost.rows > 0)
  for (const model of MODEL_SPECS) {
    const compared = lost.models[model.name]
    assert.equal(compared.better, false, `${model.name}: the stumps beat the champion`)
    close(compared.challenger, rejected.challenger.metrics[model.name], `${model.name} challenger`)
  }
  assert.ok(
    lines.some((line) =>
      line.startsWith(`${rejected.challenger.id} rejected, ${champion.version.id} stays: `),
    ),
  )
  assert.equal((await registry.aliases()).champion, champion.version.id)
  assert.equal((await registry.aliases()).challenger, null)

  // One city of six drifts; only drift can trigger (the new-rows trigger is out of reach). The error over all rows
  // rises by a few percent only, so the trigger is set that low.
  const sent = await live(4 * BATCH_ROWS, { kind: 'drift', city: 'Neuroburg' })
  assert.equal(sent.drift?.city, 'Neuroburg')
  await consume()
  const [drifted] = (await follow({
    config: {
      ...base,
      lifecycle: {
        ...base.lifecycle,
        minNewRows: 10 ** 9,
        windowRows: 8 * BATCH_ROWS,
        driftErrorRatio: 1.02,
      },
    },
    params: PARAMS,
    parityRows: 10,
    log,
    signal: stop.signal,
    rounds: 1,
  })) as [Round]
  assert.match(drifted.trigger, /^drift: /)
  assert.equal(drifted.challenger.reason, drifted.trigger)
  assert.equal(drifted.entry.from, champion.version.id)
  assert.equal(drifted.entry.to, drifted.challenger.id)
  const comparison = drifted.entry.comparison as Comparison
  // Trained on the drifted city's rows, the challenger predicts its density better.
  assert.equal(comparison.models.traffic_density_model.better, true)
  for (const model of MODEL_SPECS) {
    close(comparison.models[model.name].challenger, drifted.challenger.metrics[model.name], model.name)
  }
  // Promoted or rejected by the rule on these numbers, and the champion is what the log says.
  const decision = decide(comparison, base.lifecycle)
  assert.equal(drifted.entry.action, decision.promote ? 'promote' : 'reject', drifted.entry.reason)
  assert.equal(
    (await registry.aliases()).champion,
    decision.promote ? drifted.challenger.id : champion.version.id,
  )
  assert.deepEqual(
    (await registry.log()).map((entry) => entry.action),
    ['promote', 'reject', drifted.entry.action],
  )
})
