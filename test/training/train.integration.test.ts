// Training over the real Spark Connect server (via the shared fixture: ~20k generated rows, small forests):
// what lands in the models folder, that it is Spark's native PipelineModel format, and that the saved stages
// reproduce the recorded held-out predictions — read back through the server, and loaded by Spark's own
// PipelineModel.load in a separate JVM.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import { loadConfig } from '../../src/config.ts'
import { BATCH_SCHEMA } from '../../src/contract/batch-schema.ts'
import type { TrafficRecord } from '../../src/contract/columns.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { SPARK } from '../../src/engines/manifest.ts'
import { sparkEngine } from '../../src/engines/spark.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { type ModelRef, type OperatorSpec, toDDL } from '../../src/spark/index.ts'
import type { Analytics } from '../../src/training/analytics.ts'
import type { ClassificationMetrics, RegressionMetrics } from '../../src/training/evaluate.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import type { ParityRecord } from '../../src/training/parity.ts'
import type { TrainingReport } from '../../src/training/report.ts'
import { FIXTURE_ROWS, FIXTURE_SEED, trainedModelsDir } from '../fixtures/models.ts'

let models: string
let report: TrainingReport
const scratch = mkdtempSync(path.join(tmpdir(), 'train-it-'))

before(async () => {
  models = await trainedModelsDir()
  report = JSON.parse(readFileSync(path.join(models, 'report.json'), 'utf8'))
})
after(() => rmSync(scratch, { recursive: true, force: true }))

function readParity(name: string): ParityRecord[] {
  return readFileSync(path.join(models, 'parity', `${name}.jsonl`), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as ParityRecord)
}

/** The parity inputs as a batch-like CSV file, in recorded order. */
function parityCsv(name: string): string {
  const file = path.join(scratch, `${name}.csv`)
  const lines = readParity(name).map((record) => encodeCsvLine(record.input as unknown as TrafficRecord))
  writeFileSync(file, `${[CSV_HEADER, ...lines].join('\n')}\n`)
  return file
}

/** The one JSON line of a `metadata/` folder written by Spark, parsed, with its key order. */
function metadataOf(dir: string): { json: Record<string, unknown>; keys: string[]; files: string[] } {
  const files = readdirSync(path.join(dir, 'metadata')).sort()
  const part = files.find((file) => file.startsWith('part-')) as string
  const lines = readFileSync(path.join(dir, 'metadata', part), 'utf8')
    .split('\n')
    .filter(Boolean)
  assert.equal(lines.length, 1, `${dir}/metadata holds one JSON line`)
  const json = JSON.parse(lines[0] as string) as Record<string, unknown>
  return { json, keys: Object.keys(json), files }
}

/** A metadata folder's file names with the random part file id blanked out. */
const layout = (files: string[]) =>
  files.map((file) => file.replace(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/, 'ID'))

test('training writes the three model folders, report.json, analytics.json, version.json and parity predictions', () => {
  assert.deepEqual(readdirSync(models).sort(), [
    'analytics.json',
    'energy_consumption_model',
    'parity',
    'peak_hour_model',
    'report.json',
    'traffic_density_model',
    'version.json',
  ])
  assert.equal(report.sparkVersion, SPARK.version)
  assert.equal(report.batches.rows, FIXTURE_ROWS)
  assert.deepEqual(report.split, { weights: [0.33, 0.33, 0.34], seed: 12345, holdoutFraction: 0.2 })
  let total = 0
  for (const spec of MODEL_SPECS) {
    const model = report.models[spec.name]
    assert.equal(model.target, spec.target)
    assert.equal(model.rows.part, model.rows.train + model.rows.test)
    assert.ok(model.rows.test > 0.15 * model.rows.part && model.rows.test < 0.25 * model.rows.part)
    total += model.rows.part
    assert.equal(model.importances.byColumn.length, 10)
    assert.ok(Math.abs(model.importances.byColumn.reduce((sum, c) => sum + c.importance, 0) - 1) < 1e-9)
    assert.ok(!model.importances.byColumn.some((c) => c.column === spec.target))
    assert.ok(model.timings['fit StringIndexer'] !== undefined && model.timings.evaluate !== undefined)
    assert.deepEqual(model.warnings, [])
    assert.ok(model.parity.rows >= 1000, `${spec.name}: ${model.parity.rows} parity rows`)
    assert.equal(readParity(spec.name).length, model.parity.rows)
  }
  assert.equal(total, FIXTURE_ROWS, 'the three parts cover every row once')
  assert.ok(typeof report.timings.total === 'number' && report.timings.total > 0)
})

test('held-out metrics are those of working models', () => {
  const density = report.models.traffic_density_model.metrics as RegressionMetrics
  const peak = report.models.peak_hour_model.metrics as ClassificationMetrics
  const energy = report.models.energy_consumption_model.metrics as RegressionMetrics
  assert.ok(
    density.r2 > 0.3 && density.rmse > 0 && density.mae > 0 && density.mae < density.rmse,
    JSON.stringify(density),
  )
  assert.ok(energy.r2 > 0.85, JSON.stringify(energy))
  assert.ok(peak.accuracy > 0.85 && peak.areaUnderROC > 0.9 && peak.f1 > 0.8, JSON.stringify(peak))
  const [[tn, fp], [fn, tp]] = peak.confusionMatrix.counts
  assert.equal(tn + fp + fn + tp, report.models.peak_hour_model.rows.test)
  assert.ok(Math.abs(peak.accuracy - (tn + tp) / (tn + fp + fn + tp)) < 1e-12)
})

/** Mean and sample standard deviation, as Spark's avg and stddev_samp compute them. */
function meanAndSpread(values: number[]): { mean: number; spread: number } {
  const mean = values.reduce((sum, x) => sum + x, 0) / values.length
  const squares = values.reduce((sum, x) => sum + (x - mean) ** 2, 0)
  return { mean, spread: Math.sqrt(squares / (values.length - 1)) }
}

test('analytics.json holds what is normal per city, day and hour: the mean density and its spread', () => {
  const analytics = JSON.parse(readFileSync(path.join(models, 'analytics.json'), 'utf8')) as Analytics
  const next = createSyntheticSource(FIXTURE_SEED)
  const cells = new Map<string, number[]>()
  const cities = new Map<string, number[]>()
  for (let i = 0; i < FIXTURE_ROWS; i++) {
    const record = next()
    const key = `${record.City}|${record['Day Of Week']}|${record['Hour Of Day']}`
    cells.set(key, [...(cells.get(key) ?? []), record['Traffic Density']])
    cities.set(record.City, [...(cities.get(record.City) ?? []), record['Traffic Density']])
  }
  const baseline = analytics.congestion_baseline
  assert.equal(baseline.length, cells.size)
  for (const cell of baseline) {
    const values = cells.get(`${cell.city}|${cell.day}|${cell.hour}`) ?? []
    const own = meanAndSpread(values)
    // Too few rows for an hour's own spread: the city's over all hours stands in.
    const spread = values.length >= 30 ? own.spread : meanAndSpread(cities.get(cell.city) ?? []).spread
    assert.equal(cell.rows, values.length)
    assert.ok(Math.abs(cell.expected - own.mean) < 1e-9, JSON.stringify(cell))
    assert.ok(Math.abs(cell.spread - spread) < 1e-9, JSON.stringify(cell))
  }
})

test('analytics.json holds mean Traffic Density by city × hour, weather, vehicle type, peak, row counts, and the energy histogram', () => {
  const analytics = JSON.parse(readFileSync(path.join(models, 'analytics.json'), 'utf8')) as Analytics
  assert.equal(analytics.rows, FIXTURE_ROWS)
  assert.equal(analytics.byCityHour.length, 6 * 24)
  assert.deepEqual(
    [
      analytics.byCity.length,
      analytics.byWeather.length,
      analytics.byVehicleType.length,
      analytics.byPeakHour.length,
    ],
    [6, 5, 4, 2],
  )
  for (const groups of [analytics.byCity, analytics.byCityHour, analytics.byWeather, analytics.byPeakHour]) {
    assert.equal(
      groups.reduce((sum, g) => sum + g.rows, 0),
      FIXTURE_ROWS,
    )
    for (const group of groups) assert.ok(group.meanDensity > 0 && group.meanDensity < 2)
  }
  assert.deepEqual(
    analytics.byPeakHour.map((g) => g.isPeakHour),
    [0, 1],
  )
  assert.deepEqual(analytics.byCityHour[1], { ...analytics.byCityHour[1], city: 'AquaCity', hour: 1 })
  // The energy distribution: contiguous-or-gapped 5-wide bins in order, covering every row.
  const bins = analytics.energyHistogram
  assert.equal(
    bins.reduce((sum, bin) => sum + bin.rows, 0),
    FIXTURE_ROWS,
  )
  for (const [i, bin] of bins.entries()) {
    assert.equal(bin.to - bin.from, 5)
    if (i > 0) assert.ok(bin.from > (bins[i - 1]?.from ?? -1))
  }
})

test('each PipelineModel metadata matches Spark’s native format field by field', () => {
  for (const spec of MODEL_SPECS) {
    const dir = path.join(models, spec.name)
    const { json, keys, files } = metadataOf(dir)
    assert.deepEqual(keys, ['class', 'timestamp', 'sparkVersion', 'uid', 'paramMap', 'defaultParamMap'])
    assert.equal(json.class, 'org.apache.spark.ml.PipelineModel')
    assert.equal(json.sparkVersion, SPARK.version)
    assert.match(json.uid as string, /^pipeline_[0-9a-f]{12}$/)
    assert.equal(json.uid, report.models[spec.name].pipeline.uid)
    assert.deepEqual(json.defaultParamMap, {})
    assert.ok(Math.abs((json.timestamp as number) - Date.parse(report.trainedAt)) < 30 * 60_000)

    const stageUids = (json.paramMap as { stageUids: string[] }).stageUids
    assert.deepEqual(Object.keys(json.paramMap as object), ['stageUids'])
    // Stage folders as Scala's getStagePath names them: index padded to the digits of the stage count, `_`, uid.
    assert.deepEqual(
      readdirSync(path.join(dir, 'stages')).sort(),
      stageUids.map((uid, i) => `${i}_${uid}`),
    )
    for (const [i, uid] of stageUids.entries()) {
      const stage = metadataOf(path.join(dir, 'stages', `${i}_${uid}`))
      assert.equal(stage.json.uid, uid)
      assert.equal(stage.json.class, report.models[spec.name].pipeline.stages[i]?.class)
      assert.equal(stage.json.sparkVersion, json.sparkVersion)
      // The pipeline's metadata folder is laid out exactly like the ones Spark's MLWriter wrote.
      assert.deepEqual(layout(files), layout(stage.files))
    }
    assert.deepEqual(layout(files), [
      '._SUCCESS.crc',
      '.part-00000-ID-c000.txt.crc',
      '_SUCCESS',
      'part-00000-ID-c000.txt',
    ])
  }
})

const VECTOR_ASSEMBLER = 'org.apache.spark.ml.feature.VectorAssembler'

test('each saved stage, read back through the server and applied in order, gives exactly the recorded predictions', async () => {
  const spark = await connectSpark(loadConfig())
  const loaded: ModelRef[] = []
  try {
    for (const spec of MODEL_SPECS) {
      const dir = path.join(models, spec.name)
      const uids = (metadataOf(dir).json.paramMap as { stageUids: string[] }).stageUids
      const stages: (ModelRef | OperatorSpec)[] = []
      for (const [i, uid] of uids.entries()) {
        const stageDir = path.join(dir, 'stages', `${i}_${uid}`)
        const className = metadataOf(stageDir).json.class as string
        if (className === VECTOR_ASSEMBLER) {
          const transformer = await spark.ml.read(className, stageDir, 'transformer')
          stages.push({
            className,
            uid: transformer.uid,
            params: transformer.params as OperatorSpec['params'],
          })
        } else {
          const { ref } = await spark.ml.read(className, stageDir, 'model')
          assert.ok(ref)
          assert.equal(ref.uid, uid)
          loaded.push(ref)
          stages.push(ref)
        }
      }
      const input = spark.readCsv(parityCsv(spec.name), { schema: [...BATCH_SCHEMA] })
      const output = stages.reduce((df, stage) => spark.ml.transform(stage, df), input)
      const columns = spec.task === 'classification' ? ['prediction', 'probability'] : ['prediction']
      const rows = await output.select(...columns.map((c) => `\`${c}\``)).collect()
      const recorded = readParity(spec.name)
      assert.equal(rows.length, recorded.length)
      rows.forEach((row, i) => {
        const expected = recorded[i] as ParityRecord
        assert.equal(row.prediction, expected.prediction, `${spec.name} row ${i}`)
        if (spec.task === 'classification') assert.deepEqual(row.probability, expected.probability)
      })
    }
  } finally {
    await spark.ml.delete(...loaded)
    await spark.close()
  }
})

test('Spark’s own PipelineModel.load (a plain JVM Spark, no Connect) loads each model and predicts the same', async () => {
  const { command, args } = sparkEngine(loadConfig()).command()
  const classpath = args[args.indexOf('-cp') + 1] as string
  // The JVM module flags of the local server, without its heap size and server settings.
  const jvmFlags = args.slice(0, args.indexOf('-cp')).filter((arg) => !/^-(Xmx|Dspark\.)/.test(arg))
  const modelArgs = MODEL_SPECS.flatMap((spec) => [path.join(models, spec.name), parityCsv(spec.name)])
  const { stdout } = await promisify(execFile)(
    command,
    [
      '-Xmx1g',
      ...jvmFlags,
      '-cp',
      classpath,
      path.join(import.meta.dirname, 'PipelineModelLoad.java'),
      toDDL([...BATCH_SCHEMA]),
      ...modelArgs,
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  )
  const lines = stdout.trim().split('\n')
  for (const spec of MODEL_SPECS) {
    const recorded = readParity(spec.name)
    const header = JSON.parse(lines.shift() as string) as { uid: string; stages: string[] }
    assert.equal(header.uid, report.models[spec.name].pipeline.uid)
    assert.deepEqual(
      header.stages,
      report.models[spec.name].pipeline.stages.map((s) => s.class),
    )
    for (const [i, expected] of recorded.entries()) {
      const row = JSON.parse(lines.shift() as string) as { prediction: number; probability?: number[] }
      assert.equal(row.prediction, expected.prediction, `${spec.name} row ${i}`)
      if (spec.task === 'classification') assert.deepEqual(row.probability, expected.probability)
    }
  }
  assert.deepEqual(lines, [])
})
