// `traffic train --follow` as a user runs it, up to the point where it needs Spark: its help, the flags and
// settings it refuses before starting, and Ctrl+C while it waits for a trigger (no new rows, so no Spark is called).
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { registryOf } from '../../src/lifecycle/registry.ts'
import { folderModels } from '../../src/training/models-folder.ts'
import { startTraffic, traffic } from '../fixtures/cli.ts'
import { addVersion } from '../lifecycle/registry-fixtures.ts'

const root = mkdtempSync(path.join(tmpdir(), 'train-follow-cli-'))
after(() => rmSync(root, { recursive: true, force: true }))

test('--help names --follow and the settings that steer it', async () => {
  const help = await traffic(['train', '--help'])
  assert.equal(help.code, 0, help.stderr)
  // As a reader sees it, whatever the width Commander wraps it to.
  const text = help.stdout.replace(/\s+/g, ' ')
  assert.match(text, /--follow keep running: train a challenger on the newest TRAFFIC_WINDOW_ROWS rows/)
  for (const setting of [
    'TRAFFIC_RETRAIN_ROWS',
    'TRAFFIC_RETRAIN_EVERY_MS',
    'TRAFFIC_DRIFT_ERROR_RATIO',
    'TRAFFIC_DRIFT_PSI',
    'TRAFFIC_PROMOTE_ABSOLUTE',
    'TRAFFIC_PROMOTE_RELATIVE',
  ]) {
    assert.ok(text.includes(setting), setting)
  }
  assert.match(text, /held-out rows newer than its data/)
})

const REFUSED: { args: string[]; env?: NodeJS.ProcessEnv; error: RegExp }[] = [
  { args: ['--tune'], error: /--tune cannot be used with --follow/ },
  { args: ['--trees', '0'], error: /--trees must be/ },
  { args: ['--step-size', '2'], error: /--step-size must be a number above 0 and at most 1, got "2"/ },
  { args: ['--algorithm', 'xgboost'], error: /--algorithm must be one of .*, got "xgboost"/ },
  { args: ['--spark-conf', 'novalue'], error: /--spark-conf takes key=value, got "novalue"/ },
  {
    args: [],
    env: { TRAFFIC_WINDOW_ROWS: '0' },
    error: /TRAFFIC_WINDOW_ROWS must be an integer ≥ 1, got "0"/,
  },
  {
    args: [],
    env: { TRAFFIC_DRIFT_ERROR_RATIO: '0.9' },
    error: /TRAFFIC_DRIFT_ERROR_RATIO must be a number ≥ 1/,
  },
  {
    args: [],
    env: { TRAFFIC_DRIFT_MIN_ROWS: '10' },
    error: /TRAFFIC_DRIFT_MIN_ROWS must be an integer ≥ 100, got "10"/,
  },
  {
    args: [],
    env: { TRAFFIC_PROMOTE_RELATIVE: '1.5' },
    error: /TRAFFIC_PROMOTE_RELATIVE must be a number from 0 to 1/,
  },
]

for (const { args, env, error } of REFUSED) {
  const what = [...args, ...Object.entries(env ?? {}).map(([name, value]) => `${name}=${value}`)].join(' ')
  test(`--follow refuses ${what} with a message naming it`, async () => {
    const models = path.join(root, 'refused-models')
    const run = await traffic(['train', '--follow', '--models', models, ...args], env)
    assert.equal(run.code, 1, run.stdout)
    assert.match(run.stderr, error)
    assert.doesNotMatch(run.stdout, /following the batch files/)
  })
}

test('Ctrl+C while waiting for a trigger stops at once, exit 0, and leaves the registry free', async () => {
  const models = path.join(root, 'waiting-models')
  const batches = path.join(root, 'waiting-batches')
  mkdirSync(batches)
  const published = folderModels(models)
  const champion = await addVersion(published, 0.9)
  const other = await addVersion(published, 0.8)
  await registryOf(published).promote(champion.id, 'by hand')
  // A poll far longer than the test's timeout: only stopping the wait at once lets the run end.
  const running = startTraffic(['train', '--follow', '--models', models, '--batches', batches], {
    TRAFFIC_FOLLOW_POLL_MS: String(24 * 3600 * 1000),
  })
  try {
    await running.printed(`following the batch files of urban_traffic_stream in ${batches}`)
    running.child.kill('SIGINT')
    assert.equal(await running.exited, 0, running.output())
    assert.match(running.output(), /stopped following/)
  } finally {
    running.child.kill('SIGKILL')
  }
  // Nothing trained, nothing held: the registry takes a change at once and lists the versions.
  const promoted = await traffic(['models', 'promote', other.id, '--models', models])
  assert.equal(promoted.code, 0, promoted.stderr)
  const listed = await traffic(['models', 'list', '--json', '--models', models])
  assert.equal(listed.code, 0, listed.stderr)
  const view = JSON.parse(listed.stdout) as { champion: string; log: { action: string }[] }
  assert.equal(view.champion, other.id)
  assert.deepEqual(
    view.log.map((entry) => entry.action),
    ['promote', 'promote'],
  )
})
