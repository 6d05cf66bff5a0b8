// DataFrames over a real CSV file and the real Spark Connect server; one temp folder per run.
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { col, lit } from '../../src/spark/expressions.ts'
import type { SparkSession } from '../../src/spark/index.ts'
import type { SchemaField } from '../../src/spark/schema.ts'
import { connectPinned } from './pinned-session.ts'

const folder = mkdtempSync(path.join(tmpdir(), 'spark-dataframe-'))
const csv = path.join(folder, 'traffic.csv')
const schema: SchemaField[] = [
  { name: 'City', type: 'string' },
  { name: 'Hour Of Day', type: 'int' },
  { name: 'Speed', type: 'double' },
  { name: 'Is Peak Hour', type: 'int' },
]
const cities = ['MetropolisX', 'SolarisVille', 'AquaCity']
const lines = Array.from(
  { length: 30 },
  (_, i) => `${cities[i % 3]},${i % 24},${(i * 3.5).toFixed(4)},${i % 24 >= 17 ? 1 : 0}`,
)
let spark: SparkSession

before(async () => {
  writeFileSync(csv, `City,Hour Of Day,Speed,Is Peak Hour\n${lines.join('\n')}\n`)
  spark = await connectPinned(loadConfig().spark.remote)
})
after(async () => {
  await spark.close()
  rmSync(folder, { recursive: true, force: true })
})

test('a CSV read with an explicit schema has exactly that schema and all rows', async () => {
  const df = spark.readCsv(csv, { schema })
  assert.deepEqual(
    (await df.schema()).map(({ name, type }) => ({ name, type })),
    schema.map(({ name, type }) => ({ name, type })),
  )
  assert.equal(await df.count(), 30)
  const [first] = await df.limit(1).collect()
  assert.deepEqual(first, { City: 'MetropolisX', 'Hour Of Day': 0, Speed: 0, 'Is Peak Hour': 0 })
})

test('filter, select and withColumn, with SQL strings or expressions', async () => {
  const df = spark.readCsv(csv, { schema })
  assert.equal(
    await df.filter('`Speed` > 50').count(),
    lines.filter((l) => Number(l.split(',')[2]) > 50).length,
  )
  const rows = await df
    .filter("City = 'AquaCity'")
    .withColumn('fast', '`Speed` > 40')
    .select(col('Hour Of Day'), 'fast', lit('x'))
    .collect()
  assert.equal(rows.length, 10)
  assert.deepEqual(rows[0], { 'Hour Of Day': 2, fast: false, x: 'x' })
  assert.deepEqual(rows.at(-1), { 'Hour Of Day': 5, fast: true, x: 'x' })
})

test('randomSplit gives disjoint parts that add up to the whole, the same for the same seed', async () => {
  const df = spark.sql('SELECT id FROM range(1000)')
  const ids = async (part: typeof df) => (await part.collect()).map((row) => row.id as number)
  const parts = await Promise.all(df.randomSplit([0.33, 0.33, 0.34], 12345).map(ids))
  const all = parts.flat()
  assert.equal(all.length, 1000)
  assert.equal(new Set(all).size, 1000)
  for (const part of parts) assert.ok(part.length > 250 && part.length < 420, `part of ${part.length} rows`)
  const again = await Promise.all(df.randomSplit([0.33, 0.33, 0.34], 12345).map(ids))
  assert.deepEqual(again, parts)
})

test('sample with a seed is reproducible', async () => {
  const df = spark.sql('SELECT id FROM range(1000)')
  const first = await df.sample(0.2, { seed: 7 }).count()
  assert.equal(await df.sample(0.2, { seed: 7 }).count(), first)
  assert.ok(first > 120 && first < 280, `${first} rows sampled`)
})

test('writeCsv overwrites a folder that reads back to the same rows', async () => {
  const out = path.join(folder, 'copy')
  const source = spark.readCsv(csv, { schema })
  await source.writeCsv(out)
  await source.limit(3).writeCsv(out)
  assert.ok(readdirSync(out).some((name) => name.startsWith('part-') && name.endsWith('.csv')))
  const copy = spark.readCsv(out, { schema })
  assert.equal(await copy.count(), 3)
  assert.deepEqual(await copy.collect(), await source.limit(3).collect())
})

test('writeText writes one line per row', async () => {
  const out = path.join(folder, 'text')
  await spark.sql("SELECT concat('row-', id) AS line FROM range(3)").writeText(out)
  const text = readdirSync(out)
    .filter((name) => name.startsWith('part-'))
    .map((name) => readFileSync(path.join(out, name), 'utf8'))
    .join('')
  assert.deepEqual(text.split('\n').filter(Boolean).sort(), ['row-0', 'row-1', 'row-2'])
})

test('persist keeps a DataFrame in memory and disk until unpersist', async () => {
  const df = spark.readCsv(csv, { schema }).filter('`Speed` > 10')
  const none = { replication: 1 } // StorageLevel.NONE
  assert.deepEqual(await df.storageLevel(), none)
  await df.persist()
  assert.equal(await df.count(), 27)
  assert.deepEqual(await df.storageLevel(), {
    use_disk: true,
    use_memory: true,
    deserialized: true,
    replication: 1,
  })
  await df.unpersist()
  assert.deepEqual(await df.storageLevel(), none)
})

test('a temp view is visible to SQL in the same session', async () => {
  await spark.readCsv(csv, { schema }).createOrReplaceTempView('traffic_view')
  const rows = await spark
    .sql('SELECT City, count(*) AS n, avg(`Speed`) AS speed FROM traffic_view GROUP BY City ORDER BY City')
    .collect()
  assert.deepEqual(
    rows.map((row) => [row.City, row.n]),
    [
      ['AquaCity', 10],
      ['MetropolisX', 10],
      ['SolarisVille', 10],
    ],
  )
  assert.equal(rows[0]?.speed, 3.5 * 15.5) // AquaCity rows are i = 2, 5, …, 29
})
