import assert from 'node:assert/strict'
import test from 'node:test'
import { hasGlobCharacters, literalHadoopPath } from '../../src/spark/hadoop-path.ts'

test('every glob character Hadoop expands is escaped, and nothing else', () => {
  assert.equal(literalHadoopPath('/data/a[1]{x,y}*?\\b.csv'), '/data/a\\[1\\]\\{x,y\\}\\*\\?\\\\b.csv')
  assert.equal(
    literalHadoopPath('/data/plain-folder:with colon/x.csv'),
    '/data/plain-folder:with colon/x.csv',
  )
})

test('a path is said to hold glob characters only when it does', () => {
  assert.equal(hasGlobCharacters('/data/batches'), false)
  for (const character of ['[', ']', '{', '}', '*', '?', '\\'])
    assert.equal(hasGlobCharacters(`/data/a${character}b`), true, character)
})
