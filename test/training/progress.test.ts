import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Progress } from '../../src/training/progress.ts'

test('steps print a start and an end line with elapsed time, and record their duration', async () => {
  const lines: string[] = []
  const progress = new Progress((line) => lines.push(line))
  const timings: Record<string, number> = {}
  const result = await progress.scope('model_a').step('fit Forest', async () => 42, timings)
  assert.equal(result, 42)
  assert.equal(lines.length, 2)
  assert.match(lines[0] as string, /^\[ +\d+\.\d s\] model_a · fit Forest …$/)
  assert.match(lines[1] as string, /^\[ +\d+\.\d s\] model_a · fit Forest ✔ \d+\.\d s$/)
  assert.equal(typeof timings['fit Forest'], 'number')
})

test('a failing step records nothing and lets the error through', async () => {
  const lines: string[] = []
  const timings: Record<string, number> = {}
  await assert.rejects(
    new Progress((line) => lines.push(line)).step('boom', () => Promise.reject(new Error('no')), timings),
    /no/,
  )
  assert.equal(lines.length, 1)
  assert.deepEqual(timings, {})
})
