import assert from 'node:assert/strict'
import { test } from 'node:test'
import { withRetry } from '../../src/spark/retry.ts'

const fast = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2, multiplier: 2 }

test('retries a retryable failure until it succeeds', async () => {
  let calls = 0
  const result = await withRetry(
    async () => {
      calls++
      if (calls < 3) throw new Error('down')
      return 'up'
    },
    fast,
    () => true,
  )
  assert.equal(result, 'up')
  assert.equal(calls, 3)
})

test('gives up after the last attempt, and at once on a non-retryable error', async () => {
  let calls = 0
  await assert.rejects(
    withRetry(
      async () => {
        calls++
        throw new Error(`down ${calls}`)
      },
      fast,
      () => true,
    ),
    /down 3/,
  )
  calls = 0
  await assert.rejects(
    withRetry(
      async () => {
        calls++
        throw new Error('bad request')
      },
      fast,
      () => false,
    ),
    /bad request/,
  )
  assert.equal(calls, 1)
})
