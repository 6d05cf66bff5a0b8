import assert from 'node:assert/strict'
import path from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { isTrafficError } from '../../src/errors.ts'
import { objectLocation, parseStoreLocation, sparkPathOf } from '../../src/storage/location.ts'

test('a location is a folder (made absolute) or s3://bucket/prefix (the prefix ending in /)', () => {
  assert.deepEqual(parseStoreLocation('TRAFFIC_MODELS', 'models'), {
    kind: 'folder',
    dir: path.resolve('models'),
  })
  assert.deepEqual(parseStoreLocation('TRAFFIC_MODELS', 's3://traffic/a/b/'), {
    kind: 's3',
    bucket: 'traffic',
    prefix: 'a/b/',
  })
  assert.deepEqual(parseStoreLocation('TRAFFIC_MODELS', 's3://traffic'), {
    kind: 's3',
    bucket: 'traffic',
    prefix: '',
  })
})

test('an object under a location, and that as Spark names it: s3a:// for a bucket, the path for a folder', () => {
  const key = 'urban_traffic_batch_city-0-0-9.csv'
  assert.equal(objectLocation('s3://b/batches/', key), `s3://b/batches/${key}`)
  assert.equal(objectLocation('s3://b/', key), `s3://b/${key}`)
  assert.equal(sparkPathOf(objectLocation('s3://b/batches/', key)), `s3a://b/batches/${key}`)
  assert.equal(objectLocation('/data/batches', key), `/data/batches/${key}`)
  assert.equal(sparkPathOf(objectLocation('/data/batches', key)), `/data/batches/${key}`)
})

test('a location that is neither names its setting', () => {
  for (const raw of ['s3://Bad_Bucket/x', 's3:///x', 'gs://bucket/x']) {
    assert.throws(
      () => parseStoreLocation('TRAFFIC_BATCHES', raw),
      (error) => isTrafficError(error, 'INVALID_CONFIG') && error.message.startsWith('TRAFFIC_BATCHES'),
      raw,
    )
  }
})

test('S3 settings come from the standard AWS variables; a custom endpoint means path-style addressing', () => {
  const s3 = (env: Record<string, string>) => loadConfig({}, env).storage.s3
  assert.deepEqual(s3({}), { region: 'us-east-1', forcePathStyle: false, requestTimeoutMs: 30_000 })
  assert.deepEqual(
    s3({
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9333/',
      AWS_REGION: 'eu-west-3',
      AWS_ACCESS_KEY_ID: 'id',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_PROFILE: 'lab',
    }),
    {
      endpoint: 'http://127.0.0.1:9333',
      endpointSetting: 'AWS_ENDPOINT_URL_S3',
      region: 'eu-west-3',
      forcePathStyle: true,
      requestTimeoutMs: 30_000,
      credentials: { accessKeyId: 'id', secretAccessKey: 'secret' },
      profile: 'lab',
    },
  )
})

test('half a key pair or a bad endpoint fails naming the setting, never showing the secret', () => {
  assert.throws(
    () => loadConfig({}, { AWS_SECRET_ACCESS_KEY: 'very-secret' }),
    (error) =>
      isTrafficError(error, 'INVALID_CONFIG') &&
      error.message.includes('AWS_ACCESS_KEY_ID') &&
      !`${error.message}${error.hint}`.includes('very-secret'),
  )
  assert.throws(
    () => loadConfig({}, { AWS_ENDPOINT_URL: 'localhost:9000' }),
    (error) => isTrafficError(error, 'INVALID_CONFIG') && error.message.startsWith('AWS_ENDPOINT_URL '),
  )
})
