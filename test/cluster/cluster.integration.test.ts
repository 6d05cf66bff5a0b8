// The pipeline, unchanged, on the local cluster (`traffic cluster up --secure`): 3 KRaft nodes behind SASL_SSL +
// SCRAM-SHA-512 with a CA of their own, a Spark standalone cluster driven by Spark Connect, and S3Proxy with the
// bucket cluster.env points every storage location at: batches, models and live checkpoints go to S3Proxy, and no
// folder is shared between the clients, the Spark JVMs and the API. Faults: a broker is SIGKILLed mid-produce, a
// consumer of a three-member group is SIGKILLed mid-run, a Spark worker is SIGKILLed mid-training; each is
// restarted. One cluster serves every test (test/run.ts runs this file after the others).
import './cluster-env.ts'
import assert from 'node:assert/strict'
import { readdir, readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { CLUSTER_BUCKET, CLUSTER_PARTITIONS } from '../../src/engines/cluster.ts'
import { clusterSecurity } from '../../src/engines/cluster-security.ts'
import { runTool } from '../../src/engines/lifecycle.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { parseSparkRemote } from '../../src/spark/index.ts'
import { openStore } from '../../src/storage/open-store.ts'
import { S3Store } from '../../src/storage/s3-store.ts'
import { batchFileName, listBatchFiles } from '../../src/stream/batch-files.ts'
import { kafkaClients } from '../../src/stream/kafka-clients.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { MODEL_SPECS } from '../../src/training/model-specs.ts'
import { readPointer } from '../../src/training/models-bucket.ts'
import { PARITY_DIR } from '../../src/training/parity.ts'
import { isLoopback, listeningSockets } from '../engines/listening-sockets.ts'
import { startTraffic, traffic } from '../fixtures/cli.ts'
import { sleep, until } from '../fixtures/wait.ts'
import { assertParity, readSparkOutputs } from '../serving/parity.ts'
import {
  type ConsumerProcess,
  csvLines,
  generateCsv,
  readBatches,
  startConsumer,
  tempDir,
  unique,
} from '../stream/helpers.ts'
import {
  clusterDir,
  clusterEnv,
  commandLinesDuringUp,
  killClusterProcess,
  stopCluster,
  upOutput,
} from './cluster-env.ts'
import { type Executor, sparkApplication } from './spark-status.ts'
import { startTlsProxy } from './tls-proxy.ts'

const ROWS = 300_000
/** Training takes one batch file in this many: quick, yet jobs long enough to lose an executor in. */
const TRAINING_SHARE = 9
const topic = unique('cluster')
const groupId = unique('cluster-group')
const work = await tempDir('cluster')
/** Every location on the cluster's bucket, as cluster.env sets them. */
const { TRAFFIC_BATCHES: batches = '', TRAFFIC_MODELS: models = '' } = clusterEnv
const s3 = loadConfig().storage.s3
const batchStore = openStore('TRAFFIC_BATCHES', batches, s3)
const csv = await generateCsv(work, ROWS, 12)
after(stopCluster)

test('no secret was on the command line of any process `traffic cluster up --secure` ran', async () => {
  const { kafka, sparkToken } = await clusterSecurity(
    path.join(clusterDir, 'security'),
    loadConfig().engines.host,
    runTool,
  )
  const secrets = [kafka.storePassword, kafka.admin.password, kafka.client.password, sparkToken]
  const lines = [...commandLinesDuringUp]
  // Precondition: the tools that take the secrets were seen running.
  for (const tool of [/keytool .*-genkeypair/, /kafka\.tools\.StorageTool|format\.args/, /kafka\.Kafka /]) {
    assert.ok(
      lines.some((line) => tool.test(line)),
      `no process matching ${tool} among:\n${lines.join('\n')}`,
    )
  }
  for (const line of lines) for (const secret of secrets) assert.ok(!line.includes(secret), line)
})

test('S3Proxy runs with the bucket; cluster.env (0600) points the locations at it; its keys are never printed', async () => {
  const { mode } = await stat(path.join(clusterDir, 'cluster.env'))
  assert.equal(mode & 0o777, 0o600)
  assert.equal(clusterEnv.TRAFFIC_BATCHES, `s3://${CLUSTER_BUCKET}/batches`)
  assert.equal(clusterEnv.TRAFFIC_MODELS, `s3://${CLUSTER_BUCKET}/models`)
  assert.equal(clusterEnv.TRAFFIC_CHECKPOINTS, `s3://${CLUSTER_BUCKET}/live`)
  const { storage } = loadConfig({}, clusterEnv)
  assert.match(storage.s3.endpoint ?? '', /^http:\/\/127\.0\.0\.1:\d+$/)
  const keys = storage.s3.credentials
  assert.ok(keys?.accessKeyId && keys.secretAccessKey, 'cluster.env holds the S3 keys')
  // A write and a listing succeed only in a bucket that exists, with keys the server knows.
  const bucket = new S3Store(storage.s3, CLUSTER_BUCKET, 'probe/')
  assert.equal(await bucket.createIfAbsent('object', 'written with the keys of cluster.env'), true)
  assert.deepEqual(await bucket.list(), ['object'])
  await bucket.delete('object')
  // Only S3Proxy's line is this test's: on a loaded machine another engine's health probe may time out.
  const status = await traffic(['cluster', 'status'])
  const endpoint = storage.s3.endpoint as string
  const pidFile = path.join(clusterDir, 's3proxy', 's3proxy.pid')
  const { pid } = JSON.parse(await readFile(pidFile, 'utf8')) as { pid: number }
  const sockets = listeningSockets(pid)
  assert.deepEqual(
    sockets.map((socket) => `${socket.port}`),
    [new URL(endpoint).port],
  )
  assert.ok(
    sockets.every((socket) => isLoopback(socket.address)),
    JSON.stringify(sockets),
  )
  assert.match(status.stdout, new RegExp(`✔ S3Proxy .*running .*${endpoint}`))
  assert.match(status.stdout, new RegExp(`Bucket: s3://${CLUSTER_BUCKET} on S3Proxy at ${endpoint}`))
  for (const printed of [upOutput, status.stdout + status.stderr]) {
    assert.ok(!printed.includes(keys.secretAccessKey), 'the secret key was printed')
    assert.ok(!printed.includes(keys.accessKeyId), 'the access key was printed')
  }
})

test('a wrong password and an unknown CA fail at once, naming the setting to fix', async () => {
  const args = ['produce', '--file', csv, '--topic', topic, '--limit', '10']
  const [wrongPassword, unknownCa] = await Promise.all([
    traffic(args, { KAFKA_SASL_PASSWORD: 'not-the-password' }),
    traffic(args, { KAFKA_SSL_CA_FILE: '' }),
  ])
  assert.equal(wrongPassword.code, 1)
  assert.match(
    wrongPassword.stderr,
    /Kafka rejected the SASL credentials for user "traffic" \(SCRAM-SHA-512\)/,
  )
  assert.match(wrongPassword.stderr, /check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD/)
  assert.doesNotMatch(wrongPassword.stderr, new RegExp(clusterEnv.KAFKA_SASL_PASSWORD ?? '-'))
  assert.equal(unknownCa.code, 1)
  assert.match(unknownCa.stderr, /TLS certificate is not trusted/)
  assert.match(unknownCa.stderr, /set KAFKA_SSL_CA_FILE/)
})

test('300k rows reach 6 partitions while a broker is SIGKILLed mid-produce and restarted', async (t) => {
  // Made here, not at import: only now does this process's environment point at the cluster (cluster-env.ts).
  const clients = kafkaClients(loadConfig().kafka)
  let acknowledged = 0
  // Paced so that the run lasts ~10 s: the kill lands while most rows are still to be sent.
  const producing = produceCsvToTopic(clients, {
    file: csv,
    topic,
    partitions: CLUSTER_PARTITIONS,
    rejectsFile: path.join(work, 'rejects.jsonl'),
    rate: 30_000,
    onProgress: (progress) => {
      acknowledged = progress.sent
    },
  })
  await until('20,000 rows are acknowledged', () => acknowledged >= 20_000)
  const acknowledgedBeforeKill = acknowledged
  assert.ok(acknowledgedBeforeKill < ROWS, 'the broker is killed while the run goes on')
  await killClusterProcess('kafka-2/kafka.pid')
  // The broker comes back while the producer goes on without it.
  const [stats, restarted] = await Promise.all([producing, traffic(['cluster', 'up', '--secure'])])
  t.diagnostic(`broker 2 was killed after ${acknowledgedBeforeKill} rows were acknowledged`)
  assert.deepEqual(
    { sent: stats.sent, rejected: stats.rejected, created: stats.topicCreated },
    {
      sent: ROWS,
      rejected: 0,
      created: true,
    },
  )
  assert.equal((await clients.endOffsets(topic)).length, CLUSTER_PARTITIONS)
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
  const files = await readBatches(batchStore, topic)
  assert.equal(new Set(files.map((file) => file.partition)).size, 6)
  assert.deepEqual(files.flatMap((file) => file.lines).sort(), await csvLines(csv))
})

test('Spark Connect refuses a session without its token, or with a wrong one, naming SPARK_REMOTE', async () => {
  const remote = (clusterEnv.SPARK_REMOTE ?? '').replace(/\/;.*$/, '')
  // Side by side, so each with models of its own (one training at a time may write a models location).
  const train = (sparkRemote: string, name: string) =>
    traffic(['train', '--batches', batches, '--topic', topic, '--models', `${models}-${name}`], {
      SPARK_REMOTE: sparkRemote,
    })
  const [missing, wrong] = await Promise.all([
    train(remote, 'no-token'),
    train(`${remote}/;token=not-the-token;use_ssl=false`, 'wrong-token'),
  ])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /refused the session: No authentication token provided/)
  assert.match(missing.stderr, /set the server’s token in SPARK_REMOTE/)
  assert.equal(wrong.code, 1)
  assert.match(wrong.stderr, /refused the session: Invalid authentication token/)
  assert.doesNotMatch(wrong.stdout + wrong.stderr, /not-the-token/)
})

test('Spark Connect over TLS (use_ssl=true) behind a TLS terminator: trusted with SPARK_SSL_CA_FILE, refused without', async () => {
  const { kafka, sparkToken } = await clusterSecurity(
    path.join(clusterDir, 'security'),
    loadConfig().engines.host,
    runTool,
  )
  const server = parseSparkRemote(clusterEnv.SPARK_REMOTE ?? '')
  const proxy = await startTlsProxy(server, { file: kafka.keyStore, password: kafka.storePassword })
  try {
    const remote = `sc://127.0.0.1:${proxy.port}/;token=${sparkToken};use_ssl=true`
    const untrusted = traffic(
      ['train', '--batches', batches, '--topic', topic, '--models', `${models}-untrusted`],
      {
        SPARK_REMOTE: remote,
        SPARK_SSL_CA_FILE: '',
      },
    )
    const session = await connectSpark(
      loadConfig({ sparkRemote: remote }, { ...process.env, SPARK_SSL_CA_FILE: kafka.caFile }),
    )
    try {
      assert.deepEqual(await session.sql('SELECT 1 AS ok').collect(), [{ ok: 1 }])
    } finally {
      await session.close()
    }
    assert.ok(proxy.connections() > 0)

    const refused = await untrusted
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /The TLS certificate of Spark Connect at .* is not trusted/)
    assert.match(refused.stderr, /set SPARK_SSL_CA_FILE/)
    assert.doesNotMatch(refused.stdout + refused.stderr, new RegExp(sparkToken))
  } finally {
    await proxy.close()
  }
})

/** One batch object in TRAINING_SHARE (about 40k rows, from several partitions) under a prefix of their own. */
async function trainingBatches(): Promise<string> {
  const location = `${batches}-training`
  const share = openStore('TRAFFIC_BATCHES', location, s3)
  const files = (await listBatchFiles(batchStore, topic)).filter((_, index) => index % TRAINING_SHARE === 0)
  for (const file of files) {
    const object = await batchStore.get(file.name)
    assert.ok(object, file.name)
    await share.createIfAbsent(batchFileName(topic, file.partition, file.first, file.last), object.body)
  }
  return location
}

test('training on the bucket survives a worker SIGKILLed mid-job; the API serves the published version from its cache, equal to transform()', async (t) => {
  const spark = await sparkApplication()
  const before = new Map((await spark.executors()).map((executor) => [executor.id, executor.totalTasks]))
  const training = startTraffic([
    'train',
    ...['--batches', await trainingBatches(), '--topic', topic, '--models', models],
    ...['--algorithm', 'randomForest', '--trees', '5', '--depth', '4'],
    // Two executor cores: the 8 shuffle partitions of the single-node setting would only queue up.
    ...['--spark-conf', 'spark.sql.shuffle.partitions=2'],
  ])
  // Killed while the first forest is fitted: a worker lost in the middle of the training proper.
  await training.printed(/fit RandomForest\w+ …/)
  let victim: Executor | undefined
  while (!victim && training.child.exitCode === null) {
    victim = (await spark.executors()).find(
      (executor) => executor.id !== 'driver' && executor.activeTasks > 0,
    )
    if (!victim) await sleep(50)
  }
  assert.ok(victim, `training ended before an executor was seen running a task:\n${training.output()}`)
  const worker = spark.workerOf(victim)
  await killClusterProcess(`spark/worker-${worker}/worker.pid`)
  const restarted = await traffic(['cluster', 'up', '--secure'])
  assert.equal(restarted.code, 0, restarted.stdout + restarted.stderr)
  assert.match(restarted.stdout, new RegExp(`Spark worker ${worker} .*started`))
  assert.equal(await training.exited, 0, training.output())

  const executors = await spark.executors()
  const ran = executors.map((executor) => ({
    id: executor.id,
    worker: spark.workerOf(executor),
    active: executor.isActive,
    tasks: executor.totalTasks - (before.get(executor.id) ?? 0),
    failed: executor.failedTasks,
    removed: executor.removeReason,
  }))
  t.diagnostic(`executors after the kill of worker ${worker}'s executor ${victim.id}: ${JSON.stringify(ran)}`)
  const lost = ran.find((executor) => executor.id === victim.id)
  // Lost with its worker while the training ran, after running some of its tasks. Whether a task of its was still
  // running when the kill landed depends on a few milliseconds (the status API lags ~100 ms; on a quiet machine the
  // tasks are short): Spark re-runs those, and recomputes the shuffle output the lost executor held, either way.
  assert.equal(lost?.active, false, JSON.stringify(ran))
  assert.match(lost.removed ?? '', /worker lost/, JSON.stringify(ran))
  assert.ok(lost.tasks > 0, `the killed executor had run tasks of this training: ${JSON.stringify(ran)}`)
  assert.ok(
    ran.some((executor) => executor.active && executor.worker === worker),
    `the restarted worker launched a replacement executor: ${JSON.stringify(ran)}`,
  )
  assert.ok(
    ran.some((executor) => executor.worker !== undefined && executor.worker !== worker && executor.tasks > 0),
    `the other worker's executor ran (and re-ran) tasks: ${JSON.stringify(ran)}`,
  )
  assert.equal(ran.find((executor) => executor.id === 'driver')?.tasks ?? 0, 0)

  const api = startTraffic(['serve', '--models', models, '--port', '0'], { API_LOG_LEVEL: 'warn' })
  try {
    const [, url] = await api.printed(/API on (http:\/\/127\.0\.0\.1:\d+)/)
    await api.printed('→ /predict_energy_consumption')
    const ready = (await (await fetch(`${url}/readyz`)).json()) as { ready: boolean }
    assert.equal(ready.ready, true, JSON.stringify(ready))
  } finally {
    api.child.kill('SIGTERM')
  }
  // What the API loaded: the published version, copied from the bucket into its cache.
  const published = await readPointer(openStore('TRAFFIC_MODELS', models, s3))
  assert.ok(published, `a version is published at ${models}`)
  const served = path.join(loadConfig().api.modelsCacheDir, published.pointer.version)
  for (const spec of MODEL_SPECS) {
    const parity = await assertParity(
      path.join(served, spec.name),
      readSparkOutputs(path.join(served, PARITY_DIR, `${spec.name}.jsonl`)),
    )
    t.diagnostic(
      `${spec.name}: ${parity.rows} rows equal Spark's transform(), max |diff| ${parity.maxAbsDiff}`,
    )
  }
})

test('traffic live on the cluster: Spark’s Kafka source and sink reach the SASL_SSL brokers from the executors', async () => {
  const live = await traffic(['live', '--duration', '30', '--rate', '200', '--clock', '3600'], {
    TRAFFIC_DATASET: csv,
    KAFKA_TOPIC: unique('cluster-live'),
    LIVE_WINDOWS_TOPIC: unique('cluster-live-windows'),
    LIVE_ALERTS_TOPIC: unique('cluster-live-alerts'),
  })
  assert.equal(live.code, 0, live.stdout + live.stderr)
  const read = /Spark read ([\d,]+) rows, 0 malformed/.exec(live.stdout)
  assert.ok(read?.[1] && Number(read[1].replaceAll(',', '')) > 0, live.stdout)
  assert.doesNotMatch(live.stdout + live.stderr, new RegExp(clusterEnv.KAFKA_SASL_PASSWORD ?? '-'))
})

/** Every file below `dir` (nothing when it does not exist). */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

/** A batch file, a saved model's or version's file, or a streaming checkpoint's offsets or commits. */
const DATA_FILE = /urban_traffic_batch_|_model\/(metadata|data|stages)\/|_MANIFEST|\/(offsets|commits)\/\d+$/

test('no batch, model or checkpoint file exists outside S3Proxy’s storage and the API’s model cache', async () => {
  const stateDir = process.env.TRAFFIC_STATE_DIR as string
  const s3proxyStorage = path.join(clusterDir, 's3proxy')
  const cache = loadConfig().api.modelsCacheDir
  const stored = (await filesBelow(s3proxyStorage)).filter((file) => DATA_FILE.test(file))
  // Precondition: the chain above ran on the bucket and left its objects in S3Proxy's own storage.
  for (const kind of [/urban_traffic_batch_/, /_MANIFEST/, /\/offsets\/\d+$/]) {
    assert.ok(
      stored.some((file) => kind.test(file)),
      `S3Proxy's storage holds no ${kind}`,
    )
  }
  const elsewhere = [...(await filesBelow(work)), ...(await filesBelow(stateDir))].filter(
    (file) =>
      DATA_FILE.test(file) &&
      !file.startsWith(`${s3proxyStorage}${path.sep}`) &&
      !file.startsWith(`${cache}${path.sep}`),
  )
  assert.deepEqual(elsewhere, [])
})
