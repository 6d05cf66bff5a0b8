import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { Worker } from 'node:worker_threads'
import { isTrafficError } from '../../src/errors.ts'
import {
  cleanLeftovers,
  createStaging,
  currentVersion,
  discard,
  publish,
  removeModels,
  versionsDir,
} from '../../src/training/models-folder.ts'
import { lockModels } from '../../src/training/models-lock.ts'
import { traffic } from '../fixtures/cli.ts'

const root = mkdtempSync(path.join(tmpdir(), 'models-folder-'))
after(() => rmSync(root, { recursive: true, force: true }))

const MODELS = ['traffic_density_model', 'peak_hour_model', 'energy_consumption_model']

/** A complete model set whose every file says `version`. */
async function writeSet(dir: string, version: number): Promise<void> {
  for (const model of MODELS) {
    await mkdir(path.join(dir, model, 'metadata'), { recursive: true })
    await writeFile(path.join(dir, model, 'metadata', 'part-00000'), String(version))
  }
  await writeFile(path.join(dir, 'report.json'), String(version))
}

async function publishSet(models: string, version: number): Promise<void> {
  const staging = await createStaging(models)
  await writeSet(staging, version)
  assert.ok(await publish(staging, models, await currentVersion(models)))
}

test('a publish makes the models path a link to a complete version; the seed paths resolve through it', async () => {
  const models = path.join(root, 'first', 'spark_models_traffic')
  await publishSet(models, 1)
  assert.ok(lstatSync(models).isSymbolicLink())
  assert.equal(
    readFileSync(path.join(models, 'traffic_density_model', 'metadata', 'part-00000'), 'utf8'),
    '1',
  )
  assert.deepEqual(readdirSync(path.dirname(models)).sort(), [
    'spark_models_traffic',
    'spark_models_traffic.versions',
  ])
})

test('a plain models folder (older layout, or the seed) becomes the previous version', async () => {
  const models = path.join(root, 'plain', 'models')
  await writeSet(models, 1)
  await publishSet(models, 2)
  assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), '2')
  const versions = readdirSync(versionsDir(models))
  assert.equal(versions.length, 2)
  assert.ok(
    versions.some((v) => readFileSync(path.join(versionsDir(models), v, 'report.json'), 'utf8') === '1'),
  )
})

test('discarding a staging folder leaves the current models untouched', async () => {
  const models = path.join(root, 'third', 'models')
  await publishSet(models, 1)
  const staging = await createStaging(models)
  writeFileSync(path.join(staging, 'half-written'), '')
  await discard(staging)
  assert.equal(existsSync(staging), false)
  assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), '1')
})

// Reads the models folder in a tight loop on another thread while the main thread publishes, as the API or a
// PySpark script would: through the path (every file must exist) and through the resolved link (one version).
const READER = `
const { parentPort, workerData } = require('node:worker_threads')
const fs = require('node:fs')
const path = require('node:path')
const { models, names } = workerData
let stop = false
parentPort.on('message', () => { stop = true })
const problems = []
let reads = 0
function loop() {
  for (let i = 0; i < 200; i++) {
    try {
      const viaPath = names.map((n) => fs.readFileSync(path.join(models, n, 'metadata', 'part-00000'), 'utf8'))
      const dir = fs.realpathSync(models)
      const pinned = names.map((n) => fs.readFileSync(path.join(dir, n, 'metadata', 'part-00000'), 'utf8'))
      if (new Set(pinned).size !== 1) problems.push('mixed versions: ' + pinned.join(','))
      if (viaPath.some((v) => v === '')) problems.push('empty file')
      reads++
    } catch (error) {
      problems.push(String(error.message))
    }
  }
  if (stop) parentPort.postMessage({ reads, problems: problems.slice(0, 5), count: problems.length })
  else setImmediate(loop)
}
loop()
`

test('readers polling during 150 publishes always find a complete model set, never a missing one', async () => {
  const models = path.join(root, 'polled', 'spark_models_traffic')
  await publishSet(models, 0)
  const reader = new Worker(READER, { eval: true, workerData: { models, names: MODELS } })
  for (let version = 1; version <= 150; version++) await publishSet(models, version)
  reader.postMessage('stop')
  const [result] = (await once(reader, 'message')) as [{ reads: number; problems: string[]; count: number }]
  await reader.terminate()
  assert.ok(result.reads > 0)
  assert.deepEqual(result.problems, [], `${result.count} failed reads of ${result.reads}`)
  assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), '150')
})

/** A stand-in train (the real lock and staging functions) holding `models`, and the staging folder it began. */
async function startHolder(models: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve('test/training/fixtures/hold-models-lock.ts'), models],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const [line] = (await once(child.stdout, 'data')) as [Buffer]
  return { child, staging: line.toString().trim() }
}

test('a second train on the same models folder is refused while the first runs, with a clear message', async () => {
  const models = path.join(root, 'concurrent', 'spark_models_traffic')
  await publishSet(models, 1)
  const holder = await startHolder(models)
  try {
    await assert.rejects(lockModels(models), (error) => {
      assert.ok(isTrafficError(error, 'TRAINING_RUNNING'))
      assert.match(error.message, new RegExp(`Another \`traffic train\` \\(pid ${holder.child.pid} `))
      return true
    })
    const cli = await traffic(['train', '--models', models, '--batches', path.join(root, 'no-batches')])
    assert.notEqual(cli.code, 0)
    assert.match(cli.stderr, /Another `traffic train`/)
    assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), '1')
  } finally {
    holder.child.kill('SIGKILL')
  }
})

test("a SIGKILLed train's lock and half-written version are cleaned at the next start", async () => {
  const models = path.join(root, 'killed', 'spark_models_traffic')
  for (let version = 1; version <= 4; version++) await publishSet(models, version)
  // Leftovers of older releases and of a kill between creating the new link and renaming it.
  mkdirSync(path.join(path.dirname(models), '.spark_models_traffic.new-abc123.old'), { recursive: true })
  symlinkSync('nowhere', path.join(path.dirname(models), '.spark_models_traffic.link-x'))
  const holder = await startHolder(models)
  holder.child.kill('SIGKILL')
  await once(holder.child, 'exit')
  assert.ok(existsSync(holder.staging))

  const lock = await lockModels(models)
  try {
    const removed = await cleanLeftovers(models, { newest: 2, keep: new Set() })
    assert.ok(removed.includes(holder.staging))
    assert.equal(existsSync(holder.staging), false)
    // The current and the newest retained versions stay (a reader may still hold the previous one); older ones go.
    const kept = readdirSync(versionsDir(models)).filter((name) => !name.startsWith('.'))
    const contents = kept.map((v) => readFileSync(path.join(versionsDir(models), v, 'report.json'), 'utf8'))
    assert.deepEqual(contents.sort(), ['3', '4'])
    assert.deepEqual(readdirSync(path.dirname(models)).sort(), [
      'spark_models_traffic',
      'spark_models_traffic.versions',
    ])
    assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), '4')
  } finally {
    await lock.release()
  }
})

test('removing the models deletes the link and every version', async () => {
  const models = path.join(root, 'removed', 'spark_models_traffic')
  await publishSet(models, 1)
  await publishSet(models, 2)
  await removeModels(models)
  assert.deepEqual(readdirSync(path.dirname(models)), [])
})
