import assert from 'node:assert/strict'
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { clusterStateFor, readClusterState } from '../../src/engines/cluster-state.ts'
import { isTrafficError } from '../../src/errors.ts'

const folder = () => mkdtemp(path.join(tmpdir(), 'traffic-cluster-state-'))

test('the first `up` records the mode it was asked for; the same mode later gets the same cluster back', async () => {
  for (const secure of [false, true]) {
    const dir = await folder()
    assert.equal(await readClusterState(dir), undefined)
    const made = await clusterStateFor(dir, secure)
    assert.equal(made.secure, secure)
    assert.deepEqual(JSON.parse(await readFile(path.join(dir, 'cluster.json'), 'utf8')), made)
    assert.deepEqual(await clusterStateFor(dir, secure), made)
  }
})

test('asking for the other mode than the cluster was made with is refused, naming the commands that keep or rebuild it', async () => {
  for (const [made, asked, keep, rebuild] of [
    [false, true, /`traffic cluster up`;/, /`traffic cluster up --secure --rebuild`/],
    [true, false, /`traffic cluster up --secure`;/, /`traffic cluster up --rebuild`/],
  ] as const) {
    const dir = await folder()
    const before = await clusterStateFor(dir, made)
    await assert.rejects(clusterStateFor(dir, asked), (error) => {
      assert.ok(isTrafficError(error, 'INVALID_INPUT'))
      assert.match(
        error.message,
        made ? /made with --secure \(SASL_SSL\)/ : /made without --secure \(PLAINTEXT\)/,
      )
      assert.match(error.hint ?? '', keep)
      assert.match(error.hint ?? '', rebuild)
      return true
    })
    assert.deepEqual(await readClusterState(dir), before, 'the refused request leaves the state as it was')
  }
})
