// The model registry's contract, one suite run on a folder (registry.test.ts) and on S3Proxy
// (registry.integration.test.ts): versions and their records, aliases, the append-only promotion log, rollback,
// concurrent promoters and retention.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { type LogEntry, type ModelRegistry, registryOf } from '../../src/lifecycle/registry.ts'
import type { PublishedModels } from '../../src/training/models-publisher.ts'
import { addVersion } from './registry-fixtures.ts'

export interface RegistrySubject {
  /** New, empty models for one test. */
  open(): Promise<PublishedModels>
}

function rejectsNaming(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  return assert.rejects(promise, (error: Error) => {
    assert.match(error.message, pattern)
    return true
  })
}

/** The log's champion changes follow each other: each starts from the champion the one before left. */
function assertChained(log: LogEntry[]): void {
  let champion: string | null = null
  for (const entry of log) {
    assert.equal(entry.from, champion, `entry ${entry.seq} starts from the champion before it`)
    if (entry.action !== 'reject') champion = entry.to
  }
}

export function registryContract(name: string, subject: RegistrySubject): void {
  test(`${name}: complete versions are listed newest first with their records; a staging is not`, async () => {
    const models = await subject.open()
    const registry = registryOf(models)
    assert.deepEqual(await registry.list(), [])
    const records = [
      await addVersion(models, 0.5),
      await addVersion(models, 0.6),
      await addVersion(models, 0.7),
    ]
    await models.stage()
    assert.deepEqual(await registry.list(), [...records].reverse())
    assert.deepEqual(await registry.get(records[1]?.id as string), records[1])
    assert.equal(await registry.get('no-such-version'), undefined)
    assert.deepEqual(await registry.aliases(), { champion: null, challenger: null })
    assert.deepEqual(await registry.log(), [])
  })

  test(`${name}: promote, reject and rollback each append exactly one log entry and switch the served version`, async () => {
    const models = await subject.open()
    const registry = registryOf(models)
    const [a, b, c] = [
      await addVersion(models, 0.5),
      await addVersion(models, 0.6),
      await addVersion(models, 0.4),
    ]
    assert.ok(a && b && c)
    const first = await registry.promote(a.id, 'first')
    assert.deepEqual(
      { ...first, at: '' },
      { seq: 1, at: '', action: 'promote', from: null, to: a.id, reason: 'first' },
    )
    assert.equal(await models.current(), a.id)

    await registry.setChallenger(b.id)
    assert.deepEqual(await registry.aliases(), { champion: a.id, challenger: b.id })
    const comparison = {
      rows: 200,
      models: {
        traffic_density_model: {
          champion: a.metrics.traffic_density_model,
          challenger: b.metrics.traffic_density_model,
          better: true,
        },
        peak_hour_model: {
          champion: a.metrics.peak_hour_model,
          challenger: b.metrics.peak_hour_model,
          better: true,
        },
        energy_consumption_model: {
          champion: a.metrics.energy_consumption_model,
          challenger: b.metrics.energy_consumption_model,
          better: true,
        },
      },
    }
    await registry.promote(b.id, 'better', comparison)
    assert.deepEqual(
      await registry.aliases(),
      { champion: b.id, challenger: null },
      'the promoted challenger is champion',
    )

    await registry.setChallenger(c.id)
    const rejected = await registry.reject(c.id, 'worse', comparison)
    assert.equal(await models.current(), b.id, 'a rejection serves nothing else')
    assert.deepEqual(await registry.aliases(), { champion: b.id, challenger: null })
    assert.deepEqual([rejected.from, rejected.to, rejected.comparison], [b.id, c.id, comparison])

    const rolledBack = await registry.rollback('oops')
    assert.deepEqual([rolledBack.action, rolledBack.from, rolledBack.to], ['rollback', b.id, a.id])
    assert.equal(await models.current(), a.id)

    const log = await registry.log()
    assert.deepEqual(
      log.map((entry) => [entry.seq, entry.action, entry.to]),
      [
        [1, 'promote', a.id],
        [2, 'promote', b.id],
        [3, 'reject', c.id],
        [4, 'rollback', a.id],
      ],
    )
    assert.deepEqual(log[1]?.comparison, comparison)
    assertChained(log)
    await rejectsNaming(registry.promote('no-such-version', 'x'), /no-such-version/)
    await rejectsNaming(registry.setChallenger('no-such-version'), /no-such-version/)
    await rejectsNaming(registry.promote(a.id, 'again'), /champion already/)
    assert.equal((await registry.log()).length, 4, 'refused changes log nothing')
  })

  test(`${name}: each rollback restores the champion before, back to the first; then it says there is nothing`, async () => {
    const models = await subject.open()
    const registry = registryOf(models)
    await rejectsNaming(registry.rollback('none yet'), /Nothing to roll back.*no promotion/)
    const ids = []
    for (const r2 of [0.5, 0.6, 0.7]) {
      const version = await addVersion(models, r2)
      await registry.promote(version.id, `r2 ${r2}`)
      ids.push(version.id)
    }
    await registry.rollback('back one')
    assert.equal(await models.current(), ids[1])
    await registry.rollback('back two')
    assert.equal(await models.current(), ids[0])
    await rejectsNaming(registry.rollback('back three'), new RegExp(`${ids[0]} was the first champion`))
    assert.equal(await models.current(), ids[0])
    const log = await registry.log()
    assert.equal(log.length, 5)
    assertChained(log)
  })

  test(`${name}: concurrent promoters: the log neither loses nor duplicates an entry, and follows the served version`, async () => {
    const models = await subject.open()
    const versions = []
    for (let i = 0; i < 6; i++) versions.push(await addVersion(models, i / 10))
    // Two registries over the same models, as two processes would be.
    const registries: ModelRegistry[] = [registryOf(models), registryOf(models)]
    await Promise.all(
      versions.map((version, i) => registries[i % 2]?.promote(version.id, `promoter ${i % 2}`)),
    )
    const log = await registryOf(models).log()
    assert.deepEqual(
      log.map((entry) => entry.seq),
      [1, 2, 3, 4, 5, 6],
    )
    assert.deepEqual(
      log.map((entry) => entry.to).sort(),
      versions.map((version) => version.id).sort(),
      'each promotion once',
    )
    assertChained(log)
    assert.equal(await models.current(), log.at(-1)?.to)
  })

  test(`${name}: retention keeps the champion, the challenger, the last changes' versions and the newest N`, async () => {
    const models = await subject.open()
    const registry = registryOf(models)
    const v = []
    for (let i = 1; i <= 7; i++) v.push((await addVersion(models, i / 10)).id)
    const [v1, v2, v3, v4, v5, v6, v7] = v as [string, string, string, string, string, string, string]
    await registry.promote(v1, 'first')
    await registry.promote(v3, 'second')
    await registry.setChallenger(v2)
    const halfWritten = await models.stage()
    await halfWritten.write('report.json', '{}')
    const removed = await registry.cleanLeftovers(2)
    assert.deepEqual(await models.versions(), [v1, v2, v3, v6, v7])
    for (const gone of [v4, v5, halfWritten.id])
      assert.ok(
        removed.some((entry) => entry.includes(gone)),
        gone,
      )
    assert.equal(removed.length, 3)
    assert.deepEqual(await registry.cleanLeftovers(2), [])
    await registry.rollback('still possible')
    assert.equal(await models.current(), v1)
  })
}
