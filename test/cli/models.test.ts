// `traffic models` as a user runs it, on a models folder with versions written through the publishing seam.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import type { RegistryView, VersionRecord } from '../../src/lifecycle/registry.ts'
import { folderModels } from '../../src/training/models-folder.ts'
import { traffic } from '../fixtures/cli.ts'
import { addVersion } from '../lifecycle/registry-fixtures.ts'

const root = mkdtempSync(path.join(tmpdir(), 'models-cli-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('traffic models: list, show, promote and rollback, with clear errors', async () => {
  const dir = path.join(root, 'spark_models_traffic')
  const models = folderModels(dir)
  const older = await addVersion(models, 0.81)
  const newer = await addVersion(models, 0.92)
  const run = (...args: string[]) => traffic(['models', ...args, '--models', dir])

  const nothing = await run('rollback')
  assert.equal(nothing.code, 1)
  assert.match(nothing.stderr, /Nothing to roll back .*no promotion stands/)

  const promoted = await run('promote', older.id, '--reason', 'first by hand')
  assert.equal(promoted.code, 0, promoted.stderr)
  assert.match(promoted.stdout, new RegExp(`#1 .* promote \\(none\\) → ${older.id}: first by hand`))
  assert.equal(await models.current(), older.id)
  assert.equal((await run('promote', newer.id)).code, 0)
  assert.equal(await models.current(), newer.id)

  const listed = await run('list')
  assert.equal(listed.code, 0, listed.stderr)
  const lines = listed.stdout.split('\n')
  assert.match(
    lines[1] ?? '',
    new RegExp(`^champion +${newer.id} .* R² 0\\.920 +AUC 0\\.920 +R² 0\\.920 +test 0\\.92$`),
  )
  assert.match(lines[2] ?? '', new RegExp(`^ +${older.id} .* R² 0\\.810`))
  assert.match(listed.stdout, /Promotion log \(latest 2 of 2\)/)

  const view = JSON.parse((await run('list', '--json')).stdout) as RegistryView
  assert.deepEqual(
    view.versions.map((version) => version.id),
    [newer.id, older.id],
  )
  assert.deepEqual([view.champion, view.challenger, view.log.length], [newer.id, null, 2])

  const shown = JSON.parse((await run('show', older.id, '--json')).stdout) as VersionRecord
  assert.deepEqual(shown, older)
  const text = await run('show', newer.id)
  assert.match(text.stdout, new RegExp(`version +${newer.id} \\(champion\\)`))
  assert.match(
    text.stdout,
    /1000 rows in 1 batch file\(s\) of urban_traffic_stream: partition 0 offsets 0–999/,
  )
  assert.match(
    text.stdout,
    /traffic_density_model +RMSE 0\.0800 +MAE 0\.0400 +R² 0\.9200 +\(GBT 80 iterations\)/,
  )

  const unknown = await run('show', 'no-such-version')
  assert.equal(unknown.code, 1)
  assert.match(unknown.stderr, /No models version "no-such-version"/)
  const unknownPromote = await run('promote', 'no-such-version')
  assert.equal(unknownPromote.code, 1)
  assert.match(unknownPromote.stderr, /no-such-version/)

  const rolledBack = await run('rollback', '--reason', 'worse in production')
  assert.equal(rolledBack.code, 0, rolledBack.stderr)
  assert.match(rolledBack.stdout, new RegExp(`#3 .* rollback ${newer.id} → ${older.id}: worse in production`))
  assert.equal(await models.current(), older.id)

  const help = await traffic(['models', '--help'])
  assert.match(help.stdout, /list .*\n[\s\S]*show .*<id>[\s\S]*promote .*<id>[\s\S]*rollback/)
})
