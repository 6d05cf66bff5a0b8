// How the local Spark server is launched for s3:// locations: the S3A jars and settings, the credentials by
// environment only, a clear error without the jars — and no change at all without an s3:// location.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { jarsDir, S3A, SPARK } from '../../src/engines/manifest.ts'
import { sparkEngine } from '../../src/engines/spark.ts'
import { sparkMasterEngine, sparkWorkerEngine } from '../../src/engines/spark-standalone.ts'
import { isTrafficError } from '../../src/errors.ts'

const root = mkdtempSync(path.join(tmpdir(), 's3a-launch-'))
after(() => rmSync(root, { recursive: true, force: true }))

const SECRET = 'not-to-be-shown-0123456789'
const S3_ENV = {
  TRAFFIC_STATE_DIR: path.join(root, 'state'),
  TRAFFIC_BATCHES: 's3://traffic/batches',
  AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
  AWS_ACCESS_KEY_ID: 'traffic-key',
  AWS_SECRET_ACCESS_KEY: SECRET,
  AWS_REGION: 'eu-west-3',
}

/**
 * An engines cache holding Spark's Hadoop jar (of `hadoop`'s version) and the S3A jar set as `traffic engines fetch`
 * leaves it (marker and all), or not.
 */
function cache(name: string, withS3a: boolean, hadoop = S3A.version): string {
  const dir = path.join(root, name)
  mkdirSync(jarsDir(dir, SPARK), { recursive: true })
  writeFileSync(path.join(jarsDir(dir, SPARK), `hadoop-client-api-${hadoop}.jar`), '')
  if (withS3a) {
    const jars = jarsDir(dir, S3A)
    mkdirSync(jars, { recursive: true })
    const hash = createHash('sha256').update(readFileSync(S3A.pom)).digest('hex')
    writeFileSync(path.join(jars, '.complete'), hash)
  }
  return dir
}

function systemProperties(args: string[]): Record<string, string> {
  return Object.fromEntries(
    args
      .filter((arg) => arg.startsWith('-Dspark.'))
      .map((arg) => arg.slice(2).split(/=(.*)/s, 2) as [string, string]),
  )
}

test('an s3:// location: the S3A jars on the classpath, the fs.s3a settings, the credentials by environment only', async () => {
  const config = loadConfig({ cacheDir: cache('fetched', true) }, S3_ENV)
  const engine = sparkEngine(config)
  await engine.prepare(async () => {})
  const { args, env } = engine.command()
  const classpath = args[args.indexOf('-cp') + 1] ?? ''
  assert.ok(classpath.split(path.delimiter).includes(path.join(jarsDir(config.engines.cacheDir, S3A), '*')))
  const conf = systemProperties(args)
  assert.equal(conf['spark.hadoop.fs.s3a.endpoint'], 'http://127.0.0.1:9000')
  assert.equal(conf['spark.hadoop.fs.s3a.connection.ssl.enabled'], 'false')
  assert.equal(conf['spark.hadoop.fs.s3a.path.style.access'], 'true')
  assert.equal(conf['spark.hadoop.fs.s3a.endpoint.region'], 'eu-west-3')
  assert.equal(
    conf['spark.hadoop.fs.s3a.aws.credentials.provider'],
    'software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider',
  )
  assert.ok(!args.join(' ').includes(SECRET), 'the secret key is never on the command line')
  assert.equal(env?.AWS_SECRET_ACCESS_KEY, SECRET)
  assert.equal(env?.AWS_ACCESS_KEY_ID, 'traffic-key')
})

test('on a standalone cluster the executors get the jars, and only the workers the credentials', async () => {
  const config = loadConfig({ cacheDir: cache('fetched-cluster', true) }, S3_ENV)
  const placement = { master: 'spark://127.0.0.1:7077', uiPort: 4041, executorMemory: '1g' }
  const driver = sparkEngine(config, placement)
  await driver.prepare(async () => {})
  const conf = systemProperties(driver.command().args)
  assert.equal(conf['spark.executor.extraClassPath'], path.join(jarsDir(config.engines.cacheDir, S3A), '*'))
  const master = { port: 7077, uiPort: 8080 }
  const worker = sparkWorkerEngine(config, master, { id: 1, uiPort: 8081, cores: 1, memory: '1g' }, root)
  assert.equal(worker.command().env?.AWS_SECRET_ACCESS_KEY, SECRET)
  assert.ok(!worker.command().args.join(' ').includes(SECRET))
  assert.equal(sparkMasterEngine(config, master, root).command().env?.AWS_SECRET_ACCESS_KEY, undefined)
})

test('an s3:// location without the S3A jars: starting Spark fails naming the fetch command', async () => {
  const config = loadConfig({ cacheDir: cache('empty', false) }, S3_ENV)
  await assert.rejects(
    sparkEngine(config).prepare(async () => {}),
    (error) => {
      assert.ok(isTrafficError(error, 'ENGINE_NOT_RUNNING'))
      assert.match(error.message, /s3:\/\/ location/)
      assert.equal(error.hint, 'run `traffic engines fetch --with s3`')
      return true
    },
  )
})

test('a connector of another Hadoop version than Spark’s is refused, naming the pin to change', async () => {
  const config = loadConfig({ cacheDir: cache('other-hadoop', true, '3.4.1') }, S3_ENV)
  await assert.rejects(
    sparkEngine(config).prepare(async () => {}),
    (error) => {
      assert.ok(isTrafficError(error, 'ENGINE_NOT_RUNNING'))
      assert.match(error.message, new RegExp(`pinned to Hadoop ${S3A.version.replaceAll('.', '\\.')}`))
      assert.match(error.hint ?? '', /engines\/s3a\/pom\.xml/)
      return true
    },
  )
})

test('no s3:// location: the launch is unchanged, whatever S3 settings are around', async () => {
  const { TRAFFIC_BATCHES: _s3, ...folderEnv } = S3_ENV
  const cacheDir = cache('fetched-unused', true)
  const withSettings = sparkEngine(loadConfig({ cacheDir }, folderEnv))
  const without = sparkEngine(loadConfig({ cacheDir }, { TRAFFIC_STATE_DIR: S3_ENV.TRAFFIC_STATE_DIR }))
  await withSettings.prepare(async () => {})
  await without.prepare(async () => {})
  assert.deepEqual(withSettings.command(), without.command())
  const { args } = withSettings.command()
  assert.ok(!args.some((arg) => arg.includes('fs.s3a') || arg.includes(jarsDir(cacheDir, S3A))))
})
