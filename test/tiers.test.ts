import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { test } from 'node:test'
import { engineReason, filesRunningAlone, runsAlone } from './tiers.ts'

test('every file listed to run alone exists and needs the engines', () => {
  const files = filesRunningAlone()
  assert.ok(files.length > 0)
  for (const file of files) {
    assert.ok(existsSync(file), `${file} is listed to run alone but does not exist`)
    assert.ok(engineReason(file), `${file} runs alone but needs no engine`)
    assert.ok(runsAlone(file))
  }
})

test('a file not listed shares the engines', () => {
  assert.equal(runsAlone(path.join(import.meta.dirname, 'config.test.ts')), undefined)
})
