// `traffic produce` as a user runs it: summary, rejects file, and clear refusals (bad flag, no file, no broker).
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { test } from 'node:test'
import { CSV_HEADER } from '../../src/contract/csv.ts'
import { traffic } from '../fixtures/cli.ts'
import { csvLines, generateCsv, readTopic, rowsAsCsvLines, scenario } from '../stream/helpers.ts'

const { topic, work } = await scenario('cli-produce')

test('sends the valid rows, prints a summary and writes the rejects next to the file', async () => {
  const csv = await generateCsv(work, 1_000, 3)
  const [header, ...rows] = readFileSync(csv, 'utf8').trimEnd().split('\n')
  rows.splice(500, 0, 'Atlantis,Drone,Snowy,Stable,Sunday,20,29.4268,0,0,14.7134,0.5241')
  writeFileSync(csv, `${header}\n${rows.join('\n')}\n`)

  const run = await traffic(['produce', '--file', csv, '--topic', topic])
  assert.equal(run.code, 0, run.stderr)
  assert.match(
    run.stdout,
    new RegExp(`sent 1,000 rows to ${topic} \\(created with 1 partition\\(s\\)\\) in [\\d.]+ s`),
  )
  assert.match(run.stdout, /1 rejected/)
  const rejects = readFileSync(`${csv}.rejects.jsonl`, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
  assert.deepEqual(
    rejects.map((r) => r.line),
    [502],
  )
  const good = (await csvLines(csv)).filter((line) => !line.startsWith('Atlantis'))
  assert.deepEqual(rowsAsCsvLines(await readTopic(topic)), good)
})

test('refuses bad flags, a missing file and an unreachable broker with a clear message', async () => {
  const badFlag = await traffic(['produce', '--rate', 'fast'])
  assert.equal(badFlag.code, 1)
  assert.match(badFlag.stderr, /--rate .* 'fast' is invalid\. expected a whole number ≥ 1/)

  const badCodec = await traffic(['produce', '--compression', 'brotli'])
  assert.equal(badCodec.code, 1)
  assert.match(badCodec.stderr, /--compression\) must be one of none, gzip, snappy, lz4, zstd, got "brotli"/)

  const missing = await traffic(['produce', '--file', `${work}/nothing.csv`, '--topic', topic])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /No data set at .*nothing\.csv\n {2}→ .*traffic generate/)

  const csv = `${work}/small.csv`
  writeFileSync(csv, `${CSV_HEADER}\n`)
  const noBroker = await traffic(['produce', '--file', csv], { KAFKA_PORT: '1' })
  assert.equal(noBroker.code, 1)
  assert.match(
    noBroker.stderr,
    /no Kafka broker answers at 127\.0\.0\.1:1\n {2}→ start it with `traffic engines start`/,
  )

  for (const run of [badFlag, badCodec, missing, noBroker]) assert.doesNotMatch(run.stderr, /\n\s+at /)
  assert.equal(existsSync(`${work}/nothing.csv.rejects.jsonl`), false)
})
