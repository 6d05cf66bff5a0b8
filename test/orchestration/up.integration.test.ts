// `traffic up` end to end on the real engines: every stage's output, the API's three predictions, the UI page,
// then Ctrl+C stops everything it started; a second run skips every data stage; in live mode, the live rows
// become batch files and a challenger trained on them is promoted or rejected.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { SEED_EXAMPLES } from '../../src/api/seed-examples.ts'
import { loadConfig } from '../../src/config.ts'
import { registryOf } from '../../src/lifecycle/registry.ts'
import { checkpointsLocation } from '../../src/live/checkpoints.ts'
import { liveDir } from '../../src/live/session.ts'
import { stateFile } from '../../src/orchestration/state.ts'
import { resetTopic, topicMessageCount } from '../../src/orchestration/topic.ts'
import { batchStore, listBatchFiles } from '../../src/stream/batch-files.ts'
import { CONSUME_DEFAULTS } from '../../src/stream/consume.ts'
import { kafkaClients } from '../../src/stream/kafka-clients.ts'
import { rejectsFileFor } from '../../src/stream/output-rejects.ts'
import { openModels } from '../../src/training/models-publisher.ts'
import { startTraffic } from '../fixtures/cli.ts'
import { freePort } from '../fixtures/ports.ts'
import { deleteRecordsBefore, sendRaw } from '../stream/helpers.ts'

const ROWS = 4_000

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

const runUp = (args: string[], env: NodeJS.ProcessEnv) => startTraffic(['up', ...args], env)

let dir: string
let env: NodeJS.ProcessEnv
const topic = `test-up-${randomUUID()}`

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'traffic-up-'))
  env = {
    ...process.env,
    KAFKA_TOPIC: topic,
    LIVE_WINDOWS_TOPIC: `${topic}-windows`,
    LIVE_ALERTS_TOPIC: `${topic}-alerts`,
    TRAFFIC_DATASET: path.join(dir, 'dataset', 'futuristic_city_traffic.csv'),
    TRAFFIC_BATCHES: path.join(dir, 'batched_data_traffic'),
    TRAFFIC_MODELS: path.join(dir, 'spark_models_traffic'),
    API_PORT: String(await freePort()),
    UI_PORT: String(await freePort()),
  }
})

after(async () => {
  const config = loadConfig({}, env)
  await resetTopic(config.kafka, CONSUME_DEFAULTS.groupId)
  for (const liveTopic of [config.live.windowsTopic, config.live.alertsTopic]) {
    await resetTopic({ ...config.kafka, topic: liveTopic }, CONSUME_DEFAULTS.groupId)
  }
  await rm(liveDir(config), { recursive: true, force: true })
  await rm(stateFile(config.engines.stateDir, topic), { force: true })
  await rm(rejectsFileFor(path.join(config.engines.stateDir, 'rejects', topic)), { force: true })
  await rm(dir, { recursive: true, force: true })
})

test('traffic up runs every stage, serves the API and the UI, and Ctrl+C stops it all', async (t) => {
  const run = runUp(['--rows', String(ROWS), '--trees', '5', '--depth', '5'], env)
  // A failed check must not leave the servers and the replay running (the test file would never end).
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL')
  })
  await run.printed('Ready. Ctrl+C stops everything.')

  const config = loadConfig({}, env)
  assert.equal(await topicMessageCount(config.kafka), ROWS)
  const batches = await listBatchFiles(batchStore(config), topic)
  assert.equal(
    batches.reduce((sum, b) => sum + Number(b.last - b.first + 1n), 0),
    ROWS,
  )
  for (const model of ['traffic_density_model', 'peak_hour_model', 'energy_consumption_model']) {
    assert.ok(existsSync(path.join(config.paths.models, model, 'metadata')), `${model} saved`)
    assert.ok((await readdir(path.join(config.paths.models, model, 'stages'))).length >= 2)
  }
  const report = JSON.parse(await readFile(path.join(config.paths.models, 'report.json'), 'utf8'))
  assert.equal(report.batches.rows, ROWS)

  const api = `http://127.0.0.1:${env.API_PORT}`
  const root = await (await fetch(`${api}/`)).json()
  assert.deepEqual(root.models_status, {
    traffic_density_model_loaded: true,
    peak_hour_model_loaded: true,
    energy_consumption_model_loaded: true,
  })
  const post = async (endpoint: string, body: unknown) => {
    const response = await fetch(`${api}/${endpoint}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    assert.equal(response.status, 200)
    return response.json()
  }
  const density = await post('predict_traffic_density', SEED_EXAMPLES.traffic_density)
  assert.equal(typeof density.predicted_traffic_density, 'number')
  const peak = await post('predict_is_peak_hour', SEED_EXAMPLES.is_peak_hour)
  assert.ok([0, 1].includes(peak.predicted_is_peak_hour))
  assert.equal(peak.label, peak.predicted_is_peak_hour === 1 ? 'Peak Hour' : 'Not Peak Hour')
  const energy = await post('predict_energy_consumption', SEED_EXAMPLES.energy_consumption)
  assert.ok(energy.predicted_energy_consumption > 0)

  const page = await fetch(`http://127.0.0.1:${env.UI_PORT}/`)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /<div id="root">/)

  // Ctrl+C once the live replay is sending (its first progress line), so it stops a running replay and its queries.
  await run.printed(/clock \S+ \S+ · sent/)
  run.child.kill('SIGINT')
  assert.equal(await run.exited, 0, run.output())
  assert.match(run.output(), /live replay stopped \(Ctrl\+C\)/)
  assert.equal(await portOpen(Number(env.API_PORT)), false, 'API stopped')
  assert.equal(await portOpen(Number(env.UI_PORT)), false, 'UI stopped')
})

test('a second run skips every data stage that is already done', async () => {
  const run = runUp(['--rows', String(ROWS), '--no-serve'], env)
  assert.equal(await run.exited, 0, run.output())
  for (const stage of ['dataset', 'produce', 'consume', 'train']) {
    assert.match(run.output(), new RegExp(`✔ ${stage}: skipped`), `${stage} skipped`)
  }
})

test('a deleted batch file is read again from the topic by the next run', async () => {
  const config = loadConfig({}, env)
  const [file] = await listBatchFiles(batchStore(config), topic)
  assert.ok(file, 'the first run wrote batch files')
  await rm(path.join(config.paths.batches, file.name))
  const run = runUp(['--rows', String(ROWS), '--no-serve'], env)
  assert.equal(await run.exited, 0, run.output())
  assert.match(run.output(), new RegExp(`✔ consume: ${ROWS.toLocaleString('en')} rows in 1 batch files`))
  const batches = await listBatchFiles(batchStore(config), topic)
  assert.deepEqual(
    batches.map((b) => [b.first, b.last]),
    [[0n, BigInt(ROWS - 1)]],
  )
})

test('a deleted batch folder is read again from the topic by the next run', async () => {
  const config = loadConfig({}, env)
  await rm(config.paths.batches, { recursive: true })
  const run = runUp(['--rows', String(ROWS), '--no-serve'], env)
  assert.equal(await run.exited, 0, run.output())
  const batches = await listBatchFiles(batchStore(config), topic)
  assert.equal(
    batches.reduce((sum, b) => sum + Number(b.last - b.first + 1n), 0),
    ROWS,
  )
})

test('rows lost before a consume fail it, even when the topic also holds as many dead letters', async () => {
  const config = loadConfig({}, env)
  const deadLetters = 5
  const lost = 3
  await sendRaw(
    topic,
    Array.from({ length: deadLetters }, () => ({ partition: 0, value: 'not a row' })),
  )
  await deleteRecordsBefore(topic, 0, BigInt(lost))
  // What the topic holds now, not its end offsets: the produce stage sees every produced row still there.
  assert.equal(await topicMessageCount(config.kafka), ROWS + deadLetters - lost)
  await rm(config.paths.batches, { recursive: true })
  const run = runUp(['--rows', String(ROWS), '--no-serve'], env)
  assert.notEqual(await run.exited, 0, run.output())
  assert.match(run.output(), /✔ produce: skipped/)
  const held = (ROWS - lost).toLocaleString('en')
  assert.match(
    run.output(),
    new RegExp(`the batch files hold ${held} of the ${ROWS.toLocaleString('en')} rows produced`),
  )
})

test('--fresh also deletes the live windows, alerts and query checkpoints, so the Live page starts empty', async () => {
  const config = loadConfig({}, env)
  const windows = { ...config.kafka, topic: config.live.windowsTopic }
  await kafkaClients(config.kafka).ensureTopic(windows.topic, 1)
  await sendRaw(windows.topic, [{ partition: 0, value: '{"window":"from before the reset"}' }])
  assert.ok((await topicMessageCount(windows)) > 0)
  assert.ok(existsSync(checkpointsLocation(config)), 'the first run left live checkpoints')
  const run = runUp(['--rows', String(ROWS), '--fresh', '--no-serve', '--trees', '5', '--depth', '5'], env)
  assert.equal(await run.exited, 0, run.output())
  assert.equal(await topicMessageCount(windows), 0)
  assert.equal(existsSync(checkpointsLocation(config)), false)
})

test('in live mode the live rows become batch files, and the trainer decides on a challenger trained on them', async (t) => {
  const config = loadConfig({}, env)
  const registry = registryOf(openModels(config.paths.models, config.storage.s3))
  const champion = (await registry.aliases()).champion
  assert.ok(champion, 'the earlier runs left a champion')
  const run = runUp(['--rows', String(ROWS), '--trees', '5', '--depth', '5'], {
    ...env,
    // A batch file every two seconds of the live feed at its default rate, and the first one is enough new rows
    // for a challenger.
    TRAFFIC_BATCH_ROWS: '1000',
    TRAFFIC_RETRAIN_ROWS: '1000',
    TRAFFIC_FOLLOW_POLL_MS: '500',
  })
  t.after(() => {
    if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL')
  })
  await run.printed(/\[batches\] \S+: 1,000 new rows/)
  const [decision] = await run.printed(/\[retrain\] \S+ (promoted over|rejected)[^\n]*/)
  run.child.kill('SIGINT')
  assert.equal(await run.exited, 0, run.output())
  t.diagnostic(String(decision))

  // The live rows, after the data set's offsets, are in new batch files.
  const files = await listBatchFiles(batchStore(config), topic)
  assert.ok(
    files.some((file) => file.first >= BigInt(ROWS)),
    files.map((f) => f.name).join(),
  )
  // The trainer's decision is in the log, about a challenger trained on them.
  const entry = (await registry.log()).at(-1)
  assert.ok(entry && entry.action !== 'rollback', JSON.stringify(entry))
  assert.equal(entry.from, champion)
  const challenger = await registry.get(entry.to)
  assert.ok(challenger, `version ${entry.to} is listed`)
  assert.match(challenger.reason, /^new rows: \d+/)
  assert.ok(
    challenger.data.partitions.some((range) => range.last >= ROWS),
    JSON.stringify(challenger.data.partitions),
  )
  assert.equal((await registry.aliases()).champion, entry.action === 'promote' ? entry.to : champion)
})

test('the next run leaves the live batch files to the continuous trainer: no training, the champion stays', async () => {
  const config = loadConfig({}, env)
  const registry = registryOf(openModels(config.paths.models, config.storage.s3))
  const champion = (await registry.aliases()).champion
  const run = runUp(['--rows', String(ROWS), '--no-serve'], env)
  assert.equal(await run.exited, 0, run.output())
  assert.match(run.output(), /✔ train: skipped.*\(\d+ newer one\(s\) are the continuous trainer's/)
  assert.equal((await registry.aliases()).champion, champion)
})
