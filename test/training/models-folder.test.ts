import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { createStaging, discard, publish } from '../../src/training/models-folder.ts'

const root = mkdtempSync(path.join(tmpdir(), 'models-folder-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('a first publish moves the staging folder into place', async () => {
  const models = path.join(root, 'first', 'spark_models_traffic')
  const staging = await createStaging(models)
  assert.equal(path.dirname(staging), path.dirname(models))
  writeFileSync(path.join(staging, 'report.json'), '{"n":1}')
  await publish(staging, models)
  assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), '{"n":1}')
  assert.deepEqual(readdirSync(path.dirname(models)), ['spark_models_traffic'])
})

test('publishing over existing models replaces the whole folder and leaves no sibling behind', async () => {
  const models = path.join(root, 'second', 'models')
  mkdirSync(path.join(models, 'old_model'), { recursive: true })
  writeFileSync(path.join(models, 'report.json'), 'old')
  const staging = await createStaging(models)
  writeFileSync(path.join(staging, 'report.json'), 'new')
  await publish(staging, models)
  assert.deepEqual(readdirSync(models), ['report.json'])
  assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), 'new')
  assert.deepEqual(readdirSync(path.dirname(models)), ['models'])
})

test('discarding a staging folder leaves the current models untouched', async () => {
  const models = path.join(root, 'third', 'models')
  mkdirSync(models, { recursive: true })
  writeFileSync(path.join(models, 'report.json'), 'current')
  const staging = await createStaging(models)
  writeFileSync(path.join(staging, 'half-written'), '')
  await discard(staging)
  assert.equal(existsSync(staging), false)
  assert.equal(readFileSync(path.join(models, 'report.json'), 'utf8'), 'current')
  assert.deepEqual(readdirSync(path.dirname(models)), ['models'])
})
