// The pipeline, unchanged, on the local cluster (`traffic cluster up --secure`): 3 KRaft nodes behind SASL_SSL +
// SCRAM-SHA-512 with a CA of their own, and a Spark standalone cluster driven by Spark Connect. Faults: a broker is
// SIGKILLed mid-produce, a consumer of a three-member group is SIGKILLed mid-run; both are restarted.
import './cluster-env.ts'
import assert from 'node:assert/strict'
import path from 'node:path'
import { after, test } from 'node:test'
import { spawnTraffic, traffic } from '../fixtures/cli.ts'
import {
  type ConsumerProcess,
  csvLines,
  generateCsv,
  readBatches,
  sleep,
  startConsumer,
  tempDir,
  unique,
} from '../stream/helpers.ts'
import { clusterEnv, clusterPid, stopClusterIfStarted } from './cluster-env.ts'

const ROWS = 300_000
const topic = unique('cluster')
const groupId = unique('cluster-group')
const work = await tempDir('cluster')
const batches = path.join(work, 'batches')
const csv = await generateCsv(work, ROWS, 12)
after(stopClusterIfStarted)

test('a wrong password and an unknown CA fail at once, naming the setting to fix', async () => {
  const args = ['produce', '--file', csv, '--topic', topic, '--limit', '10']
  const wrongPassword = await traffic(args, { KAFKA_SASL_PASSWORD: 'not-the-password' })
  assert.equal(wrongPassword.code, 1)
  assert.match(
    wrongPassword.stderr,
    /Kafka rejected the SASL credentials for user "traffic" \(SCRAM-SHA-512\)/,
  )
  assert.match(wrongPassword.stderr, /check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD/)
  assert.doesNotMatch(wrongPassword.stderr, new RegExp(clusterEnv.KAFKA_SASL_PASSWORD ?? '-'))

  const unknownCa = await traffic(args, { KAFKA_SSL_CA_FILE: '' })
  assert.equal(unknownCa.code, 1)
  assert.match(unknownCa.stderr, /TLS certificate is not trusted/)
  assert.match(unknownCa.stderr, /set KAFKA_SSL_CA_FILE/)
})

test('300k rows reach 6 partitions while a broker is SIGKILLed mid-produce and restarted', async () => {
  const producer = spawnTraffic(['produce', '--file', csv, '--topic', topic])
  let output = ''
  producer.stdout.on('data', (chunk) => {
    output += chunk
  })
  producer.stderr.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) => producer.on('exit', resolve))
  await sleep(4_000)
  assert.equal(producer.exitCode, null, 'the producer finished before the broker was killed; use more rows')
  process.kill(clusterPid('kafka-2/kafka.pid'), 'SIGKILL')
  assert.equal(await exited, 0, output)
  assert.match(output, /sent 300,000 rows to .* \(created with 6 partition\(s\)\)/)
  const restarted = await traffic(['cluster', 'up'])
  assert.equal(restarted.code, 0, restarted.stdout + restarted.stderr)
  assert.match(restarted.stdout, /Kafka node 2 .*started/)
})

test('three consumers in one group, one SIGKILLed and restarted: the batch files hold exactly the rows', async () => {
  const consumer = () =>
    startConsumer({ topic, dir: batches, groupId }, ['--batch-size', '20000', '--idle-timeout', '5'])
  const group: ConsumerProcess[] = [consumer(), consumer(), consumer()]
  const victim = group[0] as ConsumerProcess
  while (victim.files() === 0 && victim.child.exitCode === null) await sleep(50)
  victim.child.kill('SIGKILL')
  await victim.exited
  const replacement = consumer()
  const codes = await Promise.all([...group.slice(1), replacement].map((run) => run.exited))
  assert.deepEqual(codes, [0, 0, 0], group.map((run) => run.errors()).join('\n'))
  const files = await readBatches(batches, topic)
  assert.equal(new Set(files.map((file) => file.partition)).size, 6)
  assert.deepEqual(files.flatMap((file) => file.lines).sort(), await csvLines(csv))
})

test('Spark Connect refuses a session without its token, or with a wrong one, naming SPARK_REMOTE', async () => {
  const remote = (clusterEnv.SPARK_REMOTE ?? '').replace(/\/;.*$/, '')
  const train = (sparkRemote: string) =>
    traffic(['train', '--batches', batches, '--models', path.join(work, 'refused')], {
      SPARK_REMOTE: sparkRemote,
    })
  const missing = await train(remote)
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /refused the session: No authentication token provided/)
  assert.match(missing.stderr, /set the server’s token in SPARK_REMOTE/)
  const wrong = await train(`${remote}/;token=not-the-token;use_ssl=false`)
  assert.equal(wrong.code, 1)
  assert.match(wrong.stderr, /refused the session: Invalid authentication token/)
  assert.doesNotMatch(wrong.stdout + wrong.stderr, /not-the-token/)
})

interface Executor {
  id: string
  hostPort: string
  totalTasks: number
}

/** Spark's status API at the driver's web UI: the executors of the Spark Connect server's application. */
async function executors(): Promise<Executor[]> {
  const driverUi = /Executors: (http:\/\/[^/]+)/.exec((await traffic(['cluster', 'status'])).stdout)?.[1]
  assert.ok(driverUi)
  const [app] = (await (await fetch(`${driverUi}/api/v1/applications`)).json()) as { id: string }[]
  assert.ok(app)
  return (await (await fetch(`${driverUi}/api/v1/applications/${app.id}/allexecutors`)).json()) as Executor[]
}

test('training runs on the standalone workers’ executors and its models load in the API', async () => {
  const models = path.join(work, 'models')
  const before = new Map((await executors()).map((executor) => [executor.id, executor.totalTasks]))
  const run = await traffic([
    'train',
    '--batches',
    batches,
    '--models',
    models,
    '--algorithm',
    'randomForest',
    '--trees',
    '10',
    '--depth',
    '5',
  ])
  assert.equal(run.code, 0, run.stdout + run.stderr)
  const ran = (await executors()).map((executor) => ({
    ...executor,
    tasks: executor.totalTasks - (before.get(executor.id) ?? 0),
  }))
  process.stdout.write(
    `tasks of this training per executor: ${JSON.stringify(ran.map(({ id, hostPort, tasks }) => ({ id, hostPort, tasks })))}\n`,
  )
  const onWorkers = ran.filter((executor) => executor.id !== 'driver')
  assert.ok(onWorkers.length >= 2, JSON.stringify(ran))
  assert.ok(
    onWorkers.every((executor) => executor.tasks > 0),
    JSON.stringify(ran),
  )
  assert.equal(ran.find((executor) => executor.id === 'driver')?.tasks ?? 0, 0)

  const api = spawnTraffic(['serve', '--models', models, '--port', '0'], { API_LOG_LEVEL: 'warn' })
  try {
    let out = ''
    api.stdout.on('data', (chunk) => {
      out += chunk
    })
    while (!out.includes('→ /predict_energy_consumption') && api.exitCode === null) await sleep(100)
    const url = /API on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1]
    assert.ok(url, out)
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { ready: boolean }
    assert.equal(ready.ready, true, JSON.stringify(ready))
  } finally {
    api.kill('SIGTERM')
  }
})
