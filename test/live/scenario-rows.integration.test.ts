// A jam's rows are made up: `traffic live --scenario` marks them with a Kafka header, and `traffic consume`,
// reading the same stream topic on the real broker, sets them aside to the dead letters (counted, with the
// reason) while every real row of the replay lands in the batch files.
import assert from 'node:assert/strict'
import { after, test } from 'node:test'
import { replay } from '../../src/live/replay.ts'
import { FolderStore } from '../../src/storage/folder-store.ts'
import { consumeToBatchFiles } from '../../src/stream/consume.ts'
import { DEAD_LETTER_HEADERS } from '../../src/stream/output-dead-letters.ts'
import { SCENARIO_HEADER } from '../../src/stream/scenario-header.ts'
import {
  cleanUp,
  clients,
  readBatches,
  readTopic,
  rowsAsCsvLines,
  tempDir,
  unique,
} from '../stream/helpers.ts'

const topic = unique('live-scenario')
const deadLetterTopic = `${topic}.dlq`
const groupId = unique('live-scenario-group')
const dirs: string[] = []
after(() => cleanUp({ topics: [topic, deadLetterTopic], groups: [groupId], dirs }))

test('rows a jam made up stay out of the batch files: set aside to the dead letters, counted, with the reason', async () => {
  const work = await tempDir('live-scenario')
  dirs.push(work)
  // A simulated hour per real second: the jam (07:00–08:00) is the second of three hours.
  const sent = await replay(clients, {
    topic,
    position: 0,
    partitions: 2,
    clock: 3600,
    rate: 500,
    start: new Date('2026-01-05T06:30:00.000Z'),
    scenario: { kind: 'jam', city: 'Neuroburg' },
    limit: 1500,
  })
  const jamRows = sent.jam?.rows ?? 0
  assert.equal(sent.sent, 1500)
  assert.ok(jamRows > 0, 'the jam hour was replayed')

  const stats = await consumeToBatchFiles(clients, {
    topic,
    deadLetterTopic,
    groupId,
    store: new FolderStore(`${work}/batches`),
    batchSize: 100_000,
    idleTimeoutMs: 2_000,
    follow: false,
    partitions: 2,
  })
  assert.equal(stats.scenarioRows, jamRows)
  assert.equal(stats.deadLetters, jamRows)

  const stream = await readTopic(topic)
  const marked = stream.filter((message) => message.headers.has(SCENARIO_HEADER))
  assert.equal(marked.length, jamRows)
  assert.ok(marked.every((message) => message.headers.get(SCENARIO_HEADER) === 'jam:Neuroburg'))
  const real = rowsAsCsvLines(stream.filter((message) => !message.headers.has(SCENARIO_HEADER)))
  const written = (await readBatches(new FolderStore(`${work}/batches`), topic))
    .flatMap((batch) => batch.lines)
    .sort()
  assert.equal(written.length, sent.sent - jamRows)
  assert.deepEqual(written, real)

  const letters = await readTopic(deadLetterTopic)
  assert.equal(letters.length, jamRows)
  for (const letter of letters) {
    assert.match(letter.headers.get(DEAD_LETTER_HEADERS.reason) ?? '', /live scenario jam:Neuroburg/)
    assert.equal(JSON.parse(letter.value?.toString() ?? '{}').City, 'Neuroburg')
  }
})
