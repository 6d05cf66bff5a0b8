// Tuning over the real Spark Connect server: every candidate of each model's grid is fitted on the training rows
// less a validation share and scored there; report.json records each one's metrics and fit time, and the saved
// model is the best one, refitted on all training rows.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { batchFileName } from '../../src/stream/batch-files.ts'
import type { TreeParams } from '../../src/training/algorithms.ts'
import { bestCandidate } from '../../src/training/candidates.ts'
import { folderModels } from '../../src/training/models-folder.ts'
import type { TrainingReport } from '../../src/training/report.ts'
import { DEFAULT_PARAMS, train } from '../../src/training/train.ts'

const scratch = mkdtempSync(path.join(tmpdir(), 'tune-it-'))
after(() => rmSync(scratch, { recursive: true, force: true }))

const TOPIC = 'tune'
const GRID: TreeParams[] = [
  { algorithm: 'randomForest', numTrees: 3, maxDepth: 3, maxBins: 32 },
  { algorithm: 'gbt', numTrees: 4, maxDepth: 3, maxBins: 32, stepSize: 0.3 },
]

test('--tune scores every candidate on a validation share, records them all and saves the best', async () => {
  const batches = path.join(scratch, 'batches')
  mkdirSync(batches)
  const next = createSyntheticSource(21)
  const lines = [CSV_HEADER, ...Array.from({ length: 4000 }, () => encodeCsvLine(next()))]
  writeFileSync(path.join(batches, batchFileName(TOPIC, 0, 0n, 3999n)), `${lines.join('\n')}\n`)
  const models = path.join(scratch, 'models')
  const log: string[] = []
  await train({
    batchesDir: batches,
    topic: TOPIC,
    models: folderModels(models),
    connection: loadConfig(),
    params: DEFAULT_PARAMS,
    parityRows: 100,
    candidates: {
      mode: 'tune',
      grids: { traffic_density_model: GRID, peak_hour_model: GRID, energy_consumption_model: GRID },
    },
    log: (line) => log.push(line),
  })
  const report: TrainingReport = JSON.parse(readFileSync(path.join(models, 'report.json'), 'utf8'))
  for (const [name, model] of Object.entries(report.models)) {
    const tuned = model.candidates
    assert.ok(tuned, `${name}: no candidates in report.json`)
    assert.equal(tuned.scoredOn, 'validation')
    assert.deepEqual(
      tuned.results.map((result) => result.params),
      GRID,
    )
    for (const result of tuned.results) {
      assert.ok(result.fitSeconds > 0, `${name}: fit time ${result.fitSeconds}`)
      const score = 'r2' in result.metrics ? result.metrics.r2 : result.metrics.accuracy
      assert.ok(Number.isFinite(score), `${name}: ${JSON.stringify(result.metrics)}`)
    }
    const best = bestCandidate(tuned.results)
    assert.deepEqual(model.params, best.params, name)
    assert.equal(model.learner, best.learner)
    const learnerStage = model.pipeline.stages.at(-1)?.class ?? ''
    assert.match(learnerStage, best.params.algorithm === 'gbt' ? /\.GBT/ : /\.RandomForest/, name)
    assert.ok(readdirSync(path.join(models, name, 'stages')).length === model.pipeline.stages.length)
    assert.ok(
      log.some((line) => line.includes(`${name} · tuned: ${best.learner}`)),
      `${name}: no "tuned" line`,
    )
  }
})
