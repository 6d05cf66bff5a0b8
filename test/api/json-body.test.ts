import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_JSON_DEPTH, parseJsonBody, scanShape } from '../../src/api/json-body.ts'
import { MAX_BATCH_ROWS } from '../../src/api/schemas.ts'

test('the shape scan counts top-level items and nesting, skipping what strings hold', () => {
  assert.deepEqual(scanShape('[]'), { depth: 1, topLevelItems: 0 })
  assert.deepEqual(scanShape(' [ ] '), { depth: 1, topLevelItems: 0 })
  assert.deepEqual(scanShape('[1]'), { depth: 1, topLevelItems: 1 })
  assert.deepEqual(scanShape('["a,b", "[[[", "\\"],"]'), { depth: 1, topLevelItems: 3 })
  assert.deepEqual(scanShape('[{"a":[1,2,3]},{"b":{}}]'), { depth: 3, topLevelItems: 2 })
  assert.deepEqual(scanShape('{"a":[1,2]}'), { depth: 2, topLevelItems: 0 })
  assert.equal(
    scanShape('['.repeat(1_000_000)).depth,
    MAX_JSON_DEPTH + 1,
    'stops at the first level too deep',
  )
  assert.equal(scanShape(`[${'0,'.repeat(MAX_BATCH_ROWS * 3)}0]`).topLevelItems, MAX_BATCH_ROWS + 1)
})

test('parsed bodies keep forbidden-looking text in values, not in keys', () => {
  assert.deepEqual(parseJsonBody('{"City":"__proto__ constructor \\u0041"}'), {
    City: '__proto__ constructor A',
  })
  assert.throws(
    () => parseJsonBody('[{"ok":1},{"a":{"constructor":{"prototype":1}}}]'),
    /Forbidden key in the body/,
  )
  assert.throws(() => parseJsonBody('[{"a":{"\\u005f_proto__":1}}]'), /Forbidden key in the body/)
  // Harmless on their own: a constructor or prototype key that cannot reach a prototype.
  assert.deepEqual(parseJsonBody('{"constructor":1,"prototype":{}}'), { constructor: 1, prototype: {} })
  assert.throws(() => parseJsonBody('{"a":1,}'), /Malformed JSON body/)
})
