// GET /models/versions (the registry as the API shows it, in the OpenAPI document) and the served version's id in
// GET /models, on a models folder whose versions are written through the publishing seam.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { buildApp } from '../../../src/api/app.ts'
import { API_PATHS } from '../../../src/api/endpoints.ts'
import type { ModelsResponse, ModelVersionsResponse } from '../../../src/api/schemas.ts'
import { registryOf } from '../../../src/lifecycle/registry.ts'
import { folderModels } from '../../../src/training/models-folder.ts'
import { addVersion } from '../../lifecycle/registry-fixtures.ts'

const root = mkdtempSync(path.join(tmpdir(), 'model-versions-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('GET /models/versions lists the versions, aliases and log; GET /models names the served version', async () => {
  const dir = path.join(root, 'spark_models_traffic')
  const models = folderModels(dir)
  const registry = registryOf(models)
  const empty = await buildApp({ modelsDir: dir, corsOrigins: [], logger: false })
  try {
    const none = await empty.inject({ method: 'GET', url: API_PATHS.modelVersions })
    assert.equal(none.statusCode, 200)
    assert.deepEqual(none.json(), { champion: null, challenger: null, versions: [], log: [] })
    assert.equal(
      (await empty.inject({ method: 'GET', url: API_PATHS.models })).json<ModelsResponse>().version,
      null,
    )
    const document = empty.swagger() as {
      paths: Record<string, { get?: { responses?: Record<string, unknown> } }>
    }
    assert.ok(document.paths[API_PATHS.modelVersions]?.get?.responses?.['200'], 'in the OpenAPI document')
  } finally {
    await empty.close()
  }

  const older = await addVersion(models, 0.7)
  const newer = await addVersion(models, 0.8)
  const challenger = await addVersion(models, 0.6)
  await registry.promote(older.id, 'first')
  await registry.promote(newer.id, 'better')
  await registry.setChallenger(challenger.id)
  const app = await buildApp({ modelsDir: dir, corsOrigins: [], logger: false })
  try {
    const answer = await app.inject({ method: 'GET', url: API_PATHS.modelVersions })
    assert.equal(answer.statusCode, 200)
    const view = answer.json<ModelVersionsResponse>()
    assert.deepEqual(
      view,
      JSON.parse(
        JSON.stringify({
          ...(await registry.aliases()),
          versions: await registry.list(),
          log: await registry.log(),
        }),
      ),
    )
    assert.deepEqual([view.champion, view.challenger], [newer.id, challenger.id])
    assert.deepEqual(
      view.versions.map((version) => version.id),
      [challenger.id, newer.id, older.id],
    )
    assert.deepEqual(view.versions[1], newer)
    assert.deepEqual(
      view.log.map((entry) => [entry.action, entry.from, entry.to]),
      [
        ['promote', null, older.id],
        ['promote', older.id, newer.id],
      ],
    )
    assert.equal(
      (await app.inject({ method: 'GET', url: API_PATHS.models })).json<ModelsResponse>().version,
      newer.id,
    )

    await registry.rollback('back')
    await app.models.reload()
    assert.equal(
      (await app.inject({ method: 'GET', url: API_PATHS.models })).json<ModelsResponse>().version,
      older.id,
    )
  } finally {
    await app.close()
  }
})
