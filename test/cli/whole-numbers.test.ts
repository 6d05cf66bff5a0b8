// Whole-number flags: one set of bounds per kind, the same in every command.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InvalidArgumentError } from 'commander'
import {
  API_PORT,
  COUNT,
  count,
  DATA_SEED,
  DEPTH,
  TRAINING_SEED,
  UI_PORT,
  wholeNumber,
  wholeNumberOption,
} from '../../src/cli/whole-numbers.ts'
import { isTrafficError } from '../../src/errors.ts'

test('a seed of 0 is a seed (up --seed 0 used to be refused while generate --seed 0 was accepted)', () => {
  assert.equal(wholeNumberOption(DATA_SEED)('0'), 0)
  assert.equal(wholeNumber('--seed', '0', DATA_SEED), 0)
  assert.equal(wholeNumber('--seed', '0', TRAINING_SEED), 0)
  assert.equal(wholeNumber('--seed', String(0xffffffff), DATA_SEED), 0xffffffff)
})

test('depth stops at 30 for every command (up --depth used to be unbounded)', () => {
  assert.equal(wholeNumberOption(DEPTH)('30'), 30)
  assert.throws(() => wholeNumberOption(DEPTH)('31'), {
    name: 'InvalidArgumentError',
    message: 'expected a whole number from 0 to 30.',
  })
  assert.throws(
    () => wholeNumber('--depth', '31', DEPTH),
    (error) =>
      isTrafficError(error, 'INVALID_INPUT') &&
      error.message === '--depth must be a whole number from 0 to 30, got "31"',
  )
})

test('counts start at 1 and refuse what is not a whole number', () => {
  assert.equal(count('100000'), 100_000)
  for (const raw of ['0', '-1', '1.5', '1e3', 'fast', '', String(2 ** 53)]) {
    assert.throws(() => count(raw), InvalidArgumentError, raw)
    assert.throws(() => wholeNumber('--rows', raw, COUNT), /--rows must be a whole number ≥ 1/, raw)
  }
})

test('ports are whole numbers up to 65535 (serve and ui used to take any Number, NaN included); the API may take 0', () => {
  assert.equal(wholeNumberOption(API_PORT)('0'), 0)
  assert.equal(wholeNumberOption(UI_PORT)('8501'), 8501)
  for (const raw of ['65536', 'http', '80.5']) {
    assert.throws(
      () => wholeNumberOption(API_PORT)(raw),
      { message: 'expected a whole number from 0 to 65535.' },
      raw,
    )
  }
  assert.throws(() => wholeNumberOption(UI_PORT)('0'), {
    message: 'expected a whole number from 1 to 65535.',
  })
})
