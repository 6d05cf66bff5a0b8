import assert from 'node:assert/strict'
import { test } from 'node:test'
import { SCENARIO_HEADER, scenarioOf } from '../../src/stream/scenario-header.ts'

const key = Buffer.from(SCENARIO_HEADER)

test('the scenario header is found among others, in the array form and in the Map form of a record', () => {
  const other: [Buffer, Buffer] = [Buffer.from('trace'), Buffer.from('x')]
  const marked: [Buffer, Buffer] = [key, Buffer.from('jam:Neuroburg')]
  assert.equal(scenarioOf([other, marked]), 'jam:Neuroburg')
  assert.equal(scenarioOf(new Map([other, marked])), 'jam:Neuroburg')
  assert.equal(scenarioOf(new Map()), undefined)
  assert.equal(scenarioOf([other]), undefined)
})

test('hostile headers: null keys and values, a key that only looks alike, an empty value', () => {
  assert.equal(scenarioOf([[null, Buffer.from('jam:X')]]), undefined)
  assert.equal(scenarioOf([[Buffer.from(`${SCENARIO_HEADER} `), Buffer.from('jam:X')]]), undefined)
  assert.equal(scenarioOf([[Buffer.from(SCENARIO_HEADER.toUpperCase()), Buffer.from('jam:X')]]), undefined)
  // A marked row with no value is still made up: it stays out of the batch files and out of the scoring.
  assert.equal(scenarioOf([[key, null]]), '')
  assert.equal(scenarioOf([[key, Buffer.alloc(0)]]), '')
})
