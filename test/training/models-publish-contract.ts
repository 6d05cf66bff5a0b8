// The models publishing seam's contract, one suite run against the folder and against S3Proxy: readers load
// through the API's own source (models-source.ts), so what they see is what `traffic serve` would load.
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { test } from 'node:test'
import type { ModelsSource } from '../../src/api/services/models-source.ts'
import type { PublishedModels } from '../../src/training/models-publisher.ts'

const MODEL_FILES = [
  'traffic_density_model/metadata/part-00000',
  'peak_hour_model/metadata/part-00000',
  'energy_consumption_model/metadata/part-00000',
  'report.json',
]

export interface PublishSubject {
  /** New, empty published models for one test. */
  open(): Promise<PublishedModels>
  /** A new reader of `models`, as the API reads them. */
  reader(models: PublishedModels): ModelsSource
}

/** Stages a complete version whose every file says `stamp`. */
async function stageSet(models: PublishedModels, stamp: string) {
  const staging = await models.stage()
  for (const file of MODEL_FILES) await staging.write(file, stamp)
  return staging
}

/** Publishes a version saying `stamp` over the current one; it must win (no one races it). */
async function publishSet(models: PublishedModels, stamp: string): Promise<string> {
  const staging = await stageSet(models, stamp)
  assert.equal(await models.publish(staging, await models.current()), true)
  return staging.id
}

/** The one stamp all files of the version a reader resolves say, or a description of what is wrong. */
async function readSet(source: ModelsSource): Promise<{ stamp: string } | { bad: string }> {
  const dir = await source.resolve()
  const bodies = await Promise.all(
    MODEL_FILES.map((file) => readFile(path.join(dir, file), 'utf8').catch(() => '<missing>')),
  )
  const stamps = new Set(bodies)
  return stamps.size === 1 && !stamps.has('<missing>')
    ? { stamp: bodies[0] as string }
    : { bad: `${dir}: ${bodies.join(', ')}` }
}

export function publishContract(name: string, subject: PublishSubject): void {
  test(`${name}: readers polling through 30 publishes only ever load one complete version, never going back`, async () => {
    const models = await subject.open()
    await publishSet(models, '0')
    const publishes = 30
    let done = false
    const bad: string[] = []
    const seen = new Set<number>()
    const reader = async () => {
      const source = subject.reader(models)
      let last = 0
      while (!done) {
        const read = await readSet(source)
        if ('bad' in read) bad.push(read.bad)
        else if (Number(read.stamp) < last) bad.push(`went back from ${last} to ${read.stamp}`)
        else {
          last = Number(read.stamp)
          seen.add(last)
        }
      }
    }
    const publisher = async () => {
      for (let stamp = 1; stamp <= publishes; stamp++) await publishSet(models, String(stamp))
    }
    await Promise.all([
      publisher().finally(() => {
        done = true
      }),
      reader(),
      reader(),
    ])
    assert.deepEqual(bad, [])
    assert.ok(seen.size > 2, `the readers saw versions ${[...seen]} only`)
    assert.deepEqual(await readSet(subject.reader(models)), { stamp: String(publishes) })
  })

  test(`${name}: of two publishers racing from one version, exactly one wins each step, and the other's models are published next`, async () => {
    const models = await subject.open()
    await publishSet(models, 'start')
    for (let step = 0; step < 12; step++) {
      const over = await models.current()
      const racers = await Promise.all([stageSet(models, `${step}a`), stageSet(models, `${step}b`)])
      const won = await Promise.all(racers.map((staging) => models.publish(staging, over)))
      assert.equal(won.filter(Boolean).length, 1, `step ${step}: ${won}`)
      const winner = racers[won.indexOf(true)]
      const loser = racers[won.indexOf(false)]
      assert.ok(winner && loser)
      assert.equal(await models.current(), winner.id)
      assert.equal(await models.publish(loser, over), false, 'a stale publish stays refused')
      assert.equal(await models.publish(loser, winner.id), true, 'published over the winner')
      assert.equal(await models.current(), loser.id)
      assert.equal(
        (await models.readFile('report.json'))?.toString(),
        loser.id === racers[0]?.id ? `${step}a` : `${step}b`,
      )
    }
  })

  test(`${name}: a completed version is listed but not served until served; any complete version can be served again`, async () => {
    const models = await subject.open()
    const first = await publishSet(models, '1')
    const staging = await stageSet(models, '2')
    assert.deepEqual(await models.versions(), [first], 'a staging is not a version yet')
    await models.complete(staging)
    assert.deepEqual(await models.versions(), [first, staging.id])
    assert.equal(await models.current(), first)
    assert.equal((await models.readFile('report.json'))?.toString(), '1')
    assert.equal((await models.readVersionFile(staging.id, 'report.json'))?.toString(), '2')
    assert.equal(await models.serve(staging.id, undefined), false, 'served over a stale version')
    assert.equal(await models.serve(staging.id, first), true)
    assert.deepEqual(await readSet(subject.reader(models)), { stamp: '2' })
    assert.equal(await models.serve(first, staging.id), true, 'the one before, again')
    assert.deepEqual(await readSet(subject.reader(models)), { stamp: '1' })
    await assert.rejects(models.serve('no-such-version', first), (error: Error) => {
      assert.match(error.message, /no-such-version/)
      return true
    })
    assert.equal(await models.current(), first)
  })

  test(`${name}: cleaning up keeps the published version and the newest retained ones, and removes the rest`, async () => {
    const models = await subject.open()
    await publishSet(models, '1')
    const previous = await publishSet(models, '2')
    const abandoned = await stageSet(models, 'half-written')
    const current = await publishSet(models, '3')
    const removed = await models.cleanLeftovers({ newest: 2, keep: new Set() })
    assert.equal(removed.length, 2, `removed ${removed}`)
    assert.ok(removed.some((entry) => entry.includes(abandoned.id)))
    assert.ok(!removed.some((entry) => entry.includes(previous) || entry.includes(current)))
    assert.equal(await models.current(), current)
    const reader = subject.reader(models)
    assert.deepEqual(await readSet(reader), { stamp: '3' })
    assert.deepEqual(await models.cleanLeftovers({ newest: 2, keep: new Set() }), [])
    await models.remove()
    assert.equal(await models.current(), undefined)
    assert.equal(await models.readFile('report.json'), undefined)
  })
}
