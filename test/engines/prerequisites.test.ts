import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkJava, parseJavaMajor } from '../../src/engines/prerequisites.ts'
import { isTrafficError } from '../../src/errors.ts'

test('reads the Java major version from `java -version` output', () => {
  assert.equal(parseJavaMajor('openjdk version "17.0.15" 2025-04-15'), 17)
  assert.equal(parseJavaMajor('openjdk version "25" 2025-09-16'), 25)
  assert.equal(parseJavaMajor('java version "1.8.0_392"'), 8)
  assert.equal(parseJavaMajor('no version here'), undefined)
})

test('a missing java gives PREREQUISITE_MISSING with an install hint', async () => {
  const saved = process.env.JAVA_HOME
  process.env.JAVA_HOME = '/nonexistent-jdk'
  try {
    await assert.rejects(checkJava(), (error) => {
      assert.ok(isTrafficError(error, 'PREREQUISITE_MISSING'))
      assert.match(error.hint ?? '', /apt-get install -y openjdk-17-jdk-headless/)
      return true
    })
  } finally {
    if (saved === undefined) delete process.env.JAVA_HOME
    else process.env.JAVA_HOME = saved
  }
})
