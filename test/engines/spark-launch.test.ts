// How the local Spark server is launched for training: gradient boosting can only cut its lineage (its
// checkpointInterval) when the server has a checkpoint folder, kept with the engine's other runtime state.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { sparkEngine } from '../../src/engines/spark.ts'

const root = mkdtempSync(path.join(tmpdir(), 'spark-launch-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('the local server checkpoints into a folder of its own state directory', () => {
  const stateDir = path.join(root, 'state')
  const { args } = sparkEngine(loadConfig({ stateDir }, {})).command()
  assert.ok(
    args.includes(`-Dspark.checkpoint.dir=${path.join(stateDir, 'spark', 'checkpoints')}`),
    args.join(' '),
  )
})
