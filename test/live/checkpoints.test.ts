import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { isTrafficError } from '../../src/errors.ts'
import { checkpointsLocation, checkpointsStore, deleteCheckpoints } from '../../src/live/checkpoints.ts'
import { sparkPathOf } from '../../src/storage/location.ts'
import { checkpointsSuite } from './checkpoints-suite.ts'

const root = mkdtempSync(path.join(tmpdir(), 'checkpoints-'))
after(() => rmSync(root, { recursive: true, force: true }))
let roots = 0

checkpointsSuite('folder', async () =>
  loadConfig({}, { TRAFFIC_CHECKPOINTS: path.join(root, `root-${++roots}`) }),
)

test('deleting the checkpoints in a folder leaves no folder: Spark takes any file or folder there for old state', async () => {
  const config = loadConfig({}, { TRAFFIC_CHECKPOINTS: path.join(root, 'emptied') })
  const store = checkpointsStore(config)
  await store.createIfAbsent('traffic_live_windows/state/0/0/1.delta', 'state')
  await store.createIfAbsent('traffic_live_windows/offsets/0', 'v1')
  await deleteCheckpoints(config)
  assert.equal(existsSync(checkpointsLocation(config)), false)
})

test('by default the checkpoints stay where they were: the state dir’s live/<topic>/checkpoints', () => {
  const config = loadConfig({ topic: 'city', stateDir: root }, {})
  assert.equal(checkpointsLocation(config), path.join(root, 'live', 'city', 'checkpoints'))
})

test('on a bucket, Spark is given the s3a:// form of the same place', () => {
  const config = loadConfig({ topic: 'city' }, { TRAFFIC_CHECKPOINTS: 's3://traffic/live/' })
  assert.equal(checkpointsLocation(config), 's3://traffic/live/city/checkpoints')
  assert.equal(sparkPathOf(checkpointsLocation(config)), 's3a://traffic/live/city/checkpoints')
})

test('a TRAFFIC_CHECKPOINTS that is neither a folder nor s3://bucket/prefix names the setting', () => {
  assert.throws(
    () => loadConfig({}, { TRAFFIC_CHECKPOINTS: 'hdfs://namenode/live' }),
    (error) => isTrafficError(error, 'INVALID_CONFIG') && error.message.startsWith('TRAFFIC_CHECKPOINTS'),
  )
})
