// Extraction from the real pinned jar in the engines cache (fetched by the test harness).
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { jarsDir, SPARK } from '../../src/engines/manifest.ts'
import { extractSparkProtos, loadSparkConnectService, sparkConnectJarName } from '../../src/spark/protos.ts'

const out = mkdtempSync(path.join(tmpdir(), 'spark-protos-'))
after(() => rmSync(out, { recursive: true, force: true }))
const jar = path.join(jarsDir(loadConfig().engines.cacheDir, SPARK), sparkConnectJarName(SPARK.version))

test('extracts the Spark Connect protos and the well-known types they import, idempotently', () => {
  const first = extractSparkProtos(jar, out)
  const connect = readdirSync(path.join(out, 'spark/connect'))
  for (const name of [
    'base.proto',
    'relations.proto',
    'expressions.proto',
    'commands.proto',
    'ml.proto',
    'ml_common.proto',
  ]) {
    assert.ok(connect.includes(name), `${name} extracted`)
  }
  assert.ok(existsSync(path.join(out, 'google/protobuf/any.proto')))
  assert.ok(existsSync(path.join(out, 'google/rpc/error_details.proto')))
  assert.equal(first.written, first.files)
  const second = extractSparkProtos(jar, out)
  assert.deepEqual(second, { protosDir: out, files: first.files, written: 0 })
})

test('the extracted protos load into a SparkConnectService client with the RPCs we use', () => {
  const service = loadSparkConnectService(out)
  for (const rpc of ['ExecutePlan', 'AnalyzePlan', 'Config', 'ReleaseSession', 'ReattachExecute']) {
    assert.ok(rpc in service.service, `${rpc} is defined`)
  }
  assert.equal(service.service.ExecutePlan?.responseStream, true)
})
