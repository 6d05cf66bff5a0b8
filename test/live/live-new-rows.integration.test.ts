// Live data is new data: the data set is produced into the stream topic, then two live runs (one a drift) send
// at the same simulated times into it, and `traffic consume` writes it all into batch files. Counted on the real
// broker and on Spark: no live row copies a data-set row or another live row, and the split training uses puts
// no row in both a model's training rows and its held-out rows.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { loadConfig } from '../../src/config.ts'
import { BATCH_SCHEMA } from '../../src/contract/batch-schema.ts'
import { connectSpark } from '../../src/engines/spark-connect.ts'
import { replay, streamPosition } from '../../src/live/replay.ts'
import { literalHadoopPath, type SparkSession } from '../../src/spark/index.ts'
import { consumeToBatchFiles } from '../../src/stream/consume.ts'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { findBatchFiles } from '../../src/training/batches.ts'
import { HOLDOUT_FRACTION, SPLIT_SEED, SPLIT_WEIGHTS } from '../../src/training/model-specs.ts'
import {
  clients,
  config,
  consumeOptions,
  csvLines,
  generateCsv,
  readBatches,
  scenario,
} from '../stream/helpers.ts'

const DATASET_ROWS = 3000
const LIVE_ROWS = 3000
const START = new Date('2026-01-05T06:00:00.000Z')
let spark: SparkSession

before(async () => {
  spark = await connectSpark(loadConfig())
})
after(async () => {
  await spark?.close()
})

/** How many entries of `lines` repeat an earlier one. */
function repeats(lines: string[]): number {
  return lines.length - new Set(lines).size
}

test('live rows are new: none copies a data-set row, none repeats, and no held-out row is a training row', async () => {
  const s = await scenario('live-new-rows')
  const datasetFile = await generateCsv(s.work, DATASET_ROWS, 5)
  const produced = await produceCsvToTopic(clients, {
    file: datasetFile,
    topic: s.topic,
    partitions: 2,
    rejectsFile: `${s.work}/rejects.csv`,
  })
  assert.equal(produced.sent, DATASET_ROWS)

  const kafka = { ...config.kafka, topic: s.topic }
  const live = { topic: s.topic, partitions: 2, clock: 3600, rate: 1000, start: START, limit: LIVE_ROWS }
  const first = await replay(clients, { ...live, position: await streamPosition(kafka) })
  // A second run over the same simulated hours, as `traffic live --start` again would: still new rows.
  const second = await replay(clients, {
    ...live,
    position: await streamPosition(kafka),
    scenario: { kind: 'drift', city: 'Neuroburg' },
  })
  assert.equal(first.sent + second.sent, 2 * LIVE_ROWS)
  assert.equal(second.drift?.city, 'Neuroburg')

  const consumed = await consumeToBatchFiles(clients, consumeOptions(s, { partitions: 2 }))
  // Drift rows are real new traffic: none is set aside.
  assert.equal(consumed.deadLetters, 0)

  const dataset = new Set(await csvLines(datasetFile))
  const written = (await readBatches(s.store, s.topic)).flatMap((batch) => batch.lines)
  assert.equal(written.length, DATASET_ROWS + 2 * LIVE_ROWS)
  const liveLines = written.filter((line) => !dataset.has(line))
  assert.equal(liveLines.length, 2 * LIVE_ROWS, 'live rows that copy a data-set row')
  assert.equal(repeats(written), 0, 'rows the batch files hold twice')

  // Training's split: three parts, then each part's held-out rows (src/training/train.ts, train-model.ts).
  const files = await findBatchFiles(s.dir, s.topic, config.storage.s3)
  const rows = spark.readCsv(files.map(literalHadoopPath), { schema: [...BATCH_SCHEMA] })
  const parts = rows.randomSplit([...SPLIT_WEIGHTS], SPLIT_SEED)
  let trainRows = 0
  let heldOutRows = 0
  for (const [i, part] of parts.entries()) {
    const [train, heldOut] = part.randomSplit([1 - HOLDOUT_FRACTION, HOLDOUT_FRACTION], SPLIT_SEED)
    await train?.createOrReplaceTempView(`live_new_rows_train_${i}`)
    await heldOut?.createOrReplaceTempView(`live_new_rows_held_out_${i}`)
    const [counts] = await spark
      .sql(
        `SELECT (SELECT count(*) FROM live_new_rows_train_${i}) AS train, ` +
          `(SELECT count(*) FROM live_new_rows_held_out_${i}) AS held_out, ` +
          `(SELECT count(*) FROM (SELECT * FROM live_new_rows_train_${i} INTERSECT ALL ` +
          `SELECT * FROM live_new_rows_held_out_${i})) AS shared`,
      )
      .collect()
    assert.equal(Number(counts?.shared), 0, `model ${i}: held-out rows that are training rows`)
    trainRows += Number(counts?.train)
    heldOutRows += Number(counts?.held_out)
  }
  assert.equal(trainRows + heldOutRows, DATASET_ROWS + 2 * LIVE_ROWS)
  assert.ok(heldOutRows > 0)
})
