// Reloads swap the whole model set atomically: under continuous load, while models are reloaded by hand and
// replaced on disk (picked up by the folder watcher), no request fails.
import assert from 'node:assert/strict'
import { cpSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { SEED_EXAMPLES } from '../../../src/api/seed-examples.ts'
import { SERVED_MODELS } from '../../../src/serving/model-catalog.ts'
import { until } from '../../fixtures/wait.ts'
import { ADMIN_HEADERS, modelsFolder, type RunningApi, startApi } from '../fixtures.ts'

/** Keeps `workers` requests in flight across the three endpoints and the batch one until stopped. */
function load(api: RunningApi, workers: number) {
  const statuses = new Map<number | string, number>()
  let running = true
  const routes = SERVED_MODELS.flatMap((spec) => [
    [`/predict_${spec.id}`, JSON.stringify(SEED_EXAMPLES[spec.id])],
    [`/predict/${spec.id}/batch`, JSON.stringify(new Array(50).fill(SEED_EXAMPLES[spec.id]))],
  ])
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = worker; running; i++) {
      const [route, body] = routes[i % routes.length] as [string, string]
      let outcome: number | string
      try {
        const response = await fetch(api.url + route, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        })
        await response.arrayBuffer()
        outcome = response.status
      } catch (error) {
        outcome = (error as Error).message
      }
      statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1)
    }
  })
  return {
    async stop() {
      running = false
      await Promise.all(loops)
      return statuses
    },
  }
}

/** Replaces a model folder the way a trainer does: write a new copy beside it, then swap the names. */
function replaceModel(dir: string, folder: string): void {
  const target = path.join(dir, folder)
  cpSync(target, `${target}.incoming`, { recursive: true })
  renameSync(target, `${target}.old`)
  renameSync(`${target}.incoming`, target)
  rmSync(`${target}.old`, { recursive: true })
}

test('no request fails while models are reloaded by hand and replaced on disk', async (t) => {
  const folder = modelsFolder(true)
  const api = await startApi(folder.dir, { watchDebounceMs: 100 })
  try {
    const traffic = load(api, 8)
    for (let round = 0; round < 3; round++) {
      const before = api.app.models.slot('traffic_density')?.model
      replaceModel(folder.dir, 'traffic_density_model')
      writeFileSync(path.join(folder.dir, 'report.json'), JSON.stringify({ round }))
      await until(
        'the watcher to reload the replaced model',
        () => api.app.models.slot('traffic_density')?.model !== before,
      )
      const reloads = await Promise.all(
        [1, 2, 3].map(() => api.post<{ ready: boolean }>('/admin/reload', {}, ADMIN_HEADERS)),
      )
      assert.ok(reloads.every((answer) => answer.status === 200 && answer.json.ready))
    }
    assert.deepEqual(api.app.models.state.report, { round: 2 })
    const statuses = await traffic.stop()
    const total = [...statuses.values()].reduce((sum, n) => sum + n, 0)
    assert.deepEqual([...statuses.keys()], [200], `outcomes: ${JSON.stringify([...statuses])}`)
    assert.ok(total > 100, `only ${total} requests ran during the reloads`)
    t.diagnostic(`${total} requests during 3 replacements + 9 manual reloads, all 200`)
  } finally {
    await api.close()
    folder.cleanup()
  }
})

test('an unchanged model is kept, a broken one keeps the previous version in service, a removed one is unloaded (503)', async () => {
  const folder = modelsFolder(true)
  const api = await startApi(folder.dir, { watchDebounceMs: 50 })
  try {
    const serving = api.app.models.slot('energy_consumption')?.model
    await api.app.models.reload()
    assert.equal(
      api.app.models.slot('energy_consumption')?.model,
      serving,
      'an unchanged model is reused, not reread',
    )
    // A half-written model: the pipeline metadata names a stage whose folder is not there.
    const energy = path.join(folder.dir, 'energy_consumption_model')
    replaceModel(folder.dir, 'energy_consumption_model')
    rmSync(path.join(energy, 'stages'), { recursive: true })
    await until(
      'the broken model to be noticed',
      () => api.app.models.slot('energy_consumption')?.error != null,
    )
    assert.equal(api.app.models.slot('energy_consumption')?.model, serving)
    const stillServed = await api.post('/predict_energy_consumption', SEED_EXAMPLES.energy_consumption)
    assert.equal(stillServed.status, 200)

    rmSync(path.join(folder.dir, 'peak_hour_model'), { recursive: true })
    await until('the removed model to be unloaded', () => api.app.models.slot('is_peak_hour')?.model === null)
    const gone = await api.post<{ error: string }>('/predict_is_peak_hour', SEED_EXAMPLES.is_peak_hour)
    assert.equal(gone.status, 503)
    assert.match(gone.json.error, /Is Peak Hour model is not loaded/)
    assert.equal((await api.get('/readyz')).status, 503)
  } finally {
    await api.close()
    folder.cleanup()
  }
})
