import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { displayPath } from '../src/display-path.ts'

test('a path inside the working folder is shown relative, one outside absolute, an s3:// location as written', () => {
  assert.equal(displayPath(path.join(process.cwd(), 'spark_models_traffic')), 'spark_models_traffic')
  assert.equal(displayPath('/elsewhere/models'), '/elsewhere/models')
  assert.equal(displayPath('s3://traffic/models'), 's3://traffic/models')
})
