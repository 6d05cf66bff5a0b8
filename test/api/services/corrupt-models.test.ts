// Hostile model folders: a copy of the Spark-written models with corrupt values written into their files
// (test/serving/model-checks.test.ts covers the values Parquet compression keeps out of reach, e.g. class counts). Such a
// model must fail to load with a reason (keeping the previous one in service on a reload), and no answer may be a
// 500 or show server paths.
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import type { ErrorResponse, ReadyResponse } from '../../../src/api/schemas.ts'
import { SEED_EXAMPLES } from '../../../src/api/seed-examples.ts'
import { ADMIN_HEADERS, modelsFolder, type RunningApi, startApi } from '../fixtures.ts'

interface NodeRow {
  nodeData: { leftChild: number; prediction: number; impurityStats: number[] }
}

function onlyFile(dir: string): string {
  const [name] = readdirSync(dir).filter((file) => file.startsWith('part-'))
  return path.join(dir, name as string)
}

/** The tree data file of a model folder's last stage. */
function treeDataFile(modelDir: string): string {
  const stages = readdirSync(path.join(modelDir, 'stages')).sort()
  return onlyFile(path.join(modelDir, 'stages', stages.at(-1) as string, 'data'))
}

async function leaves(file: string): Promise<NodeRow['nodeData'][]> {
  const rows = (await parquetReadObjects({ file: await asyncBufferFromFile(file) })) as unknown as NodeRow[]
  return rows.map((row) => row.nodeData).filter((node) => node.leftChild < 0)
}

const double = (value: number) => {
  const bytes = Buffer.alloc(8)
  bytes.writeDoubleLE(value)
  return bytes
}

/**
 * Overwrites a stored copy of the double `from` with `to`, trying each copy in the file until `took` sees the
 * corruption where it was meant to be (the same bytes may belong to another column). False when none does.
 */
async function overwriteDouble(
  file: string,
  from: number,
  to: number,
  took: () => Promise<boolean>,
): Promise<boolean> {
  const original = readFileSync(file)
  for (let at = original.indexOf(double(from)); at >= 0; at = original.indexOf(double(from), at + 1)) {
    const bytes = Buffer.from(original)
    double(to).copy(bytes, at)
    writeFileSync(file, bytes)
    if (await took().catch(() => false)) return true
  }
  writeFileSync(file, original)
  return false
}

const folder = modelsFolder(true)
const densityDir = path.join(folder.dir, 'traffic_density_model')
const energyDir = path.join(folder.dir, 'energy_consumption_model')
let api: RunningApi

before(async () => {
  // A NaN leaf in the regression forest, written where Parquet stores it.
  const densityFile = treeDataFile(densityDir)
  const [leaf] = await leaves(densityFile)
  const nanLeaf = async () => (await leaves(densityFile)).some((node) => Number.isNaN(node.prediction))
  assert.ok(await overwriteDouble(densityFile, leaf?.prediction as number, Number.NaN, nanLeaf))
  api = await startApi(folder.dir)
})

after(async () => {
  await api.close()
  folder.cleanup()
})

function assertNoPaths(text: string): void {
  assert.ok(!text.includes(folder.dir), `no server path in ${text}`)
  assert.doesNotMatch(text, /\/tmp\/|at .*\.ts:\d+/)
}

test('a NaN leaf fails to load, with the reason and no paths; other models serve', async () => {
  const ready = await api.get<ReadyResponse>('/readyz')
  assert.equal(ready.status, 503)
  assert.equal(ready.json.models.energy_consumption?.loaded, true)
  assert.equal(ready.json.models.traffic_density?.loaded, false)
  assert.match(
    ready.json.models.traffic_density?.error ?? '',
    /^Tree data is not a valid Spark tree: tree \d+ leaf \d+'s prediction is NaN$/,
  )
  assertNoPaths(ready.text)
  const predict = await api.post<ErrorResponse>('/predict_traffic_density', SEED_EXAMPLES.traffic_density)
  assert.equal(predict.status, 503)
  assert.match(predict.json.error, /model is not loaded: Tree data is not a valid Spark tree: .* is NaN/)
  assertNoPaths(predict.json.error)
  assert.equal((await api.post('/predict_is_peak_hour', SEED_EXAMPLES.is_peak_hour)).status, 200)
  const models = await api.get<{ models: { error: string | null }[] }>('/models')
  assert.equal(models.status, 200)
  assertNoPaths(models.text)
})

test('a reload that meets a corrupt timestamp keeps the model in service and says why', async () => {
  const metadataFile = onlyFile(path.join(energyDir, 'metadata'))
  const metadata = JSON.parse(readFileSync(metadataFile, 'utf8'))
  writeFileSync(metadataFile, `${JSON.stringify({ ...metadata, timestamp: 'soon' })}\n`)
  const reload = await api.post<ReadyResponse>('/admin/reload', {}, ADMIN_HEADERS)
  assert.equal(reload.status, 200)
  const energy = reload.json.models.energy_consumption
  assert.equal(energy?.loaded, true, 'the previous model stays in service')
  assert.match(energy?.error ?? '', /its metadata timestamp "soon" is not a time in milliseconds/)
  const models = await api.get<{ models: { id: string; saved_at: string | null }[] }>('/models')
  assert.equal(models.status, 200)
  assert.match(models.json.models.find((card) => card.id === 'energy_consumption')?.saved_at ?? '', /^\d{4}-/)
  assertNoPaths(models.text)
  const predict = await api.post('/predict_energy_consumption', SEED_EXAMPLES.energy_consumption)
  assert.equal(predict.status, 200)
})

test('a model folder that cannot be read says so without paths or internals', async () => {
  const folderOnly = modelsFolder(false)
  const empty = await startApi(folderOnly.dir)
  try {
    const ready = await empty.get<ReadyResponse>('/readyz')
    assert.equal(ready.json.models.traffic_density?.error, 'no saved model in traffic_density_model')
    assert.ok(!ready.text.includes(folderOnly.dir))
  } finally {
    await empty.close()
    folderOnly.cleanup()
  }
})
