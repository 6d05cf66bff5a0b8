import assert from 'node:assert/strict'
import { test } from 'node:test'
import { allSettledOrThrow } from '../../src/training/settled.ts'

test('steps side by side give their values in order', async () => {
  assert.deepEqual(await allSettledOrThrow([Promise.resolve(1), Promise.resolve('two')] as const), [1, 'two'])
})

test('a failed step is passed on only once every other step has settled', async () => {
  let finish: (value: string) => void = () => undefined
  const slow = new Promise<string>((resolve) => {
    finish = resolve
  })
  let slowSettled = false
  const failure = new Error('first step failed')
  const all = allSettledOrThrow([Promise.reject(failure), slow.then(() => (slowSettled = true))] as const)
  let rejected = false
  all.catch(() => {
    rejected = true
  })
  await Promise.resolve()
  await Promise.resolve()
  assert.equal(rejected, false, 'must not reject while the slow step still runs')
  finish('done')
  await assert.rejects(all, failure)
  assert.equal(slowSettled, true)
})
