import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isTrafficError, throwIfInterrupted } from '../src/errors.ts'

test('a stop by the user is INTERRUPTED (not bad input), and only once the signal has fired', () => {
  const controller = new AbortController()
  assert.doesNotThrow(() => throwIfInterrupted(controller.signal))
  assert.doesNotThrow(() => throwIfInterrupted(undefined))
  controller.abort()
  assert.throws(
    () => throwIfInterrupted(controller.signal),
    (error) => isTrafficError(error, 'INTERRUPTED') && error.message === 'stopped by the user (Ctrl+C)',
  )
})
