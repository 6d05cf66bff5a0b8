// `traffic train` as a user runs it, against the real Spark Connect server: a small successful run, and every
// way it must refuse to train — clear message, non-zero exit, and the models folder exactly as it was.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { createSyntheticSource } from '../../src/dataset/generator.ts'
import { registryOf } from '../../src/lifecycle/registry.ts'
import { batchFileName } from '../../src/stream/batch-files.ts'
import { folderModels } from '../../src/training/models-folder.ts'
import { REGISTRY_NAMES } from '../../src/training/models-publisher.ts'
import { spawnTraffic, traffic } from '../fixtures/cli.ts'
import { freePort } from '../fixtures/ports.ts'

const root = mkdtempSync(path.join(tmpdir(), 'train-cli-'))
after(() => rmSync(root, { recursive: true, force: true }))

function csvRows(count: number, seed = 5): string[] {
  const next = createSyntheticSource(seed)
  return Array.from({ length: count }, () => encodeCsvLine(next()))
}

/** A fresh case folder: `batches/` with the given files, and `models/` holding a previous result. */
function scenario(name: string, files: Record<string, string>): { batches: string; models: string } {
  const dir = path.join(root, name)
  const batches = path.join(dir, 'batches')
  const models = path.join(dir, 'out', 'models')
  mkdirSync(batches, { recursive: true })
  mkdirSync(models, { recursive: true })
  writeFileSync(path.join(models, 'report.json'), 'previous')
  for (const [file, content] of Object.entries(files)) writeFileSync(path.join(batches, file), content)
  return { batches, models }
}

/** Versions published beside the models link (the versions folder also holds the locks and the registry's log). */
function versionsOf(models: string): string[] {
  const versions = `${models}.versions`
  return existsSync(versions)
    ? readdirSync(versions).filter((name) => !name.startsWith('.') && !REGISTRY_NAMES.has(name))
    : []
}

/** The models folder is exactly the previous one, no version was published and nothing else was left next to it. */
function assertUntouched(models: string): void {
  assert.deepEqual(
    readdirSync(path.dirname(models)).filter((name) => name !== 'models.versions'),
    ['models'],
  )
  assert.deepEqual(versionsOf(models), [])
  assert.deepEqual(readdirSync(models), ['report.json'])
  assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), 'previous')
}

const batchFile = (rows: string[]) => `${[CSV_HEADER, ...rows].join('\n')}\n`
/** Batch files of the topic every run trains on (`--topic`), named as the consumer names them. */
const TOPIC = 'train-cli'
const FILE_0 = batchFileName(TOPIC, 0, 0n, 0n)
const FILE_1 = batchFileName(TOPIC, 1, 0n, 0n)

test('a small run prints progress per stage, a summary, and replaces the previous models', async () => {
  const { batches, models } = scenario('ok', {
    [FILE_0]: batchFile(csvRows(1500, 1)),
    [FILE_1]: batchFile(csvRows(1500, 2)),
  })
  const options = ['--algorithm', 'gbt', '--trees', '3', '--depth', '4', '--encoding', 'onehot']
  const run = await traffic(['train', '--topic', TOPIC, '--batches', batches, '--models', models, ...options])
  assert.equal(run.code, 0, run.stderr)
  assert.doesNotMatch(run.stdout, /⚠/)
  assert.match(run.stdout, /2 batch file\(s\) of train-cli in /)
  assert.match(run.stdout, /\[ +[\d.]+ s\] peak_hour_model · fit GBTClassifier ✔ [\d.]+ s/)
  assert.match(run.stdout, /✔ trained on 3000 rows in [\d.]+ s/)
  assert.match(run.stdout, /traffic_density_model +RMSE [\d.]+ +MAE [\d.]+ +R² -?[\d.]+/)
  assert.deepEqual(readdirSync(path.dirname(models)).sort(), ['models', 'models.versions'])
  // the previous plain folder became the previous version, the new one is current
  assert.equal(versionsOf(models).length, 2)
  const report = JSON.parse(readFileSync(path.join(models, 'report.json'), 'utf8'))
  assert.equal(report.params.encoding, 'onehot')
  const registry = registryOf(folderModels(models))
  const [trained] = await registry.list()
  assert.ok(trained)
  assert.equal(trained.reason, 'traffic train')
  assert.deepEqual(trained.data, {
    topic: TOPIC,
    batches: 2,
    rows: 3000,
    partitions: [
      { partition: 0, first: 0, last: 0 },
      { partition: 1, first: 0, last: 0 },
    ],
  })
  assert.equal(trained.learners.peak_hour_model, report.models.peak_hour_model.learner)
  assert.deepEqual(trained.metrics.traffic_density_model, report.models.traffic_density_model.metrics)
  const log = await registry.log()
  assert.deepEqual(
    log.map((entry) => [entry.seq, entry.action, entry.to, entry.reason]),
    [[1, 'promote', trained.id, 'traffic train']],
  )
  assert.equal((await registry.aliases()).champion, trained.id)
  for (const name of ['traffic_density_model', 'peak_hour_model', 'energy_consumption_model']) {
    const { algorithm, numTrees, maxDepth } = report.models[name].params
    assert.deepEqual([algorithm, numTrees, maxDepth], ['gbt', 3, 4], name)
    const forest = name === 'peak_hour_model' ? 'GBTClassifier' : 'GBTRegressor'
    const stages = readdirSync(path.join(models, name, 'stages')).sort()
    assert.deepEqual(
      stages.map((folder) => folder.replace(/_[0-9a-f]{12}$/, '')),
      ['0_StringIndexer', '1_OneHotEncoder', '2_VectorAssembler', `3_${forest}`],
    )
  }
})

test("the server's Fit warnings (trees stopped at the ML cache size limit) are shown and kept in the report", async () => {
  const { batches, models } = scenario('limited', {
    [FILE_0]: batchFile(csvRows(2000, 3)),
  })
  const limit = 'spark.connect.session.connectML.mlCache.memoryControl.maxModelSize'
  const options = ['--algorithm', 'randomForest', '--trees', '10', '--depth', '12']
  options.push('--spark-conf', `${limit}=1000000`)
  const run = await traffic(['train', '--topic', TOPIC, '--batches', batches, '--models', models, ...options])
  assert.equal(run.code, 0, run.stderr)
  assert.match(
    run.stdout,
    /traffic_density_model · ⚠ RandomForestRegressor: .*training stops early because the model size .* → raise the session setting spark\.connect\.session\.connectML\.mlCache\.memoryControl\.maxModelSize/,
  )
  const report = JSON.parse(readFileSync(path.join(models, 'report.json'), 'utf8'))
  assert.match(report.models.traffic_density_model.warnings[0], /^RandomForestRegressor: .*stops early/)
})

test('Ctrl+C stops the run: exit 1, "stopped", the previous models untouched, nothing left beside them', async () => {
  const { batches, models } = scenario('stopped', {
    [FILE_0]: batchFile(csvRows(3000, 4)),
  })
  const child = spawnTraffic(['train', '--topic', TOPIC, '--batches', batches, '--models', models])
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  child.stdout.on('data', (chunk) => {
    stdout += chunk
    // Once: a second Ctrl+C is the user insisting, and ends the process at once.
    if (/fit StringIndexer …/.test(stdout) && child.signalCode === null && !child.killed) child.kill('SIGINT')
  })
  const code = await new Promise((resolve) => child.once('close', resolve))
  assert.equal(code, 1, stdout)
  assert.match(stdout, /stopping: releasing the cached data and models on the server/)
  assert.match(stderr, /Training stopped; .*models is unchanged/)
  assertUntouched(models)
})

test('Spark unreachable: says where it looked and how to start it', async () => {
  const { batches, models } = scenario('unreachable', {
    [FILE_0]: batchFile(csvRows(200)),
  })
  const port = await freePort()
  const run = await traffic(['train', '--topic', TOPIC, '--batches', batches, '--models', models], {
    SPARK_REMOTE: `sc://127.0.0.1:${port}`,
  })
  assert.equal(run.code, 1)
  assert.match(run.stderr, new RegExp(`Spark Connect at 127\\.0\\.0\\.1:${port} is unreachable`))
  assert.match(run.stderr, /traffic engines start/)
  assertUntouched(models)
})

test('no batch files: names the folder and the commands that make them', async () => {
  const { batches, models } = scenario('none', { [`${FILE_0}.1a2b.tmp`]: 'partial' })
  const run = await traffic(['train', '--topic', TOPIC, '--batches', batches, '--models', models])
  assert.equal(run.code, 1)
  assert.match(
    run.stderr,
    /No batch files of topic train-cli \(urban_traffic_batch_train-cli-<partition>-<first>-<last>\.csv\) in .*none/,
  )
  assert.match(run.stderr, /traffic consume/)
  assertUntouched(models)
})

test('fewer than 100 rows: says how many there are', async () => {
  const { batches, models } = scenario('few', { [FILE_0]: batchFile(csvRows(60)) })
  const run = await traffic(['train', '--topic', TOPIC, '--batches', batches, '--models', models])
  assert.equal(run.code, 1)
  assert.match(run.stderr, /The batch files hold 60 rows; training needs at least 100/)
  assertUntouched(models)
})

test('a file Spark cannot parse (a text where a number belongs) is refused before any model is fitted', async () => {
  const rows = csvRows(300)
  rows[150] = (rows[150] as string).replace(/,\d+\.\d{4},/, ',fast,')
  const { batches, models } = scenario('malformed', { [FILE_0]: batchFile(rows) })
  const run = await traffic(['train', '--topic', TOPIC, '--batches', batches, '--models', models])
  assert.equal(run.code, 1)
  assert.match(
    run.stderr,
    /Spark could not read the batch files: .*urban_traffic_batch_train-cli-0-0+-0+\.csv line 152: Speed must be a finite number ≥ 0 \(got "fast"\)/,
  )
  assert.doesNotMatch(run.stdout, /fit StringIndexer/)
  assertUntouched(models)
})

test('a batch file with another header is named; a folder named like a batch is none', async () => {
  const foreign = scenario('foreign', { [FILE_0]: 'id,value\n1,2\n' })
  const run = await traffic([
    'train',
    '--topic',
    TOPIC,
    '--batches',
    foreign.batches,
    '--models',
    foreign.models,
  ])
  assert.equal(run.code, 1)
  assert.match(
    run.stderr,
    /urban_traffic_batch_train-cli-0-0+-0+\.csv is not a traffic batch: expected the header/,
  )
  assertUntouched(foreign.models)

  // Batches are objects of a store: a folder is not one, as a bucket has no folders.
  const unreadable = scenario('unreadable', {})
  mkdirSync(path.join(unreadable.batches, FILE_0))
  const second = await traffic([
    'train',
    '--topic',
    TOPIC,
    '--batches',
    unreadable.batches,
    '--models',
    unreadable.models,
  ])
  assert.equal(second.code, 1)
  assert.match(second.stderr, /No batch files of topic train-cli/)
  assertUntouched(unreadable.models)
})

test('invalid options are refused with the allowed range', async () => {
  const run = await traffic(['train', '--trees', '0'])
  assert.equal(run.code, 1)
  assert.match(run.stderr, /--trees must be a whole number from 1 to 1000, got "0"/)
  const encoding = await traffic(['train', '--encoding', 'binary'])
  assert.match(encoding.stderr, /--encoding must be one of indexed, onehot, got "binary"/)
  const algorithm = await traffic(['train', '--algorithm', 'xgboost'])
  assert.match(algorithm.stderr, /--algorithm must be one of randomForest, gbt, got "xgboost"/)
  const step = await traffic(['train', '--step-size', '1.5'])
  assert.match(step.stderr, /--step-size must be a number above 0 and at most 1, got "1.5"/)
  const conf = await traffic(['train', '--spark-conf', 'no-equals-sign'])
  assert.match(conf.stderr, /--spark-conf takes key=value, got "no-equals-sign"/)
})
