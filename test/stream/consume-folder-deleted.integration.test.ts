// The batch folder deleted under a following consumer: the run stops with a message that names the folder,
// instead of a bare ENOENT from the next partition it resumes.
import assert from 'node:assert/strict'
import { rm } from 'node:fs/promises'
import { it } from 'node:test'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { until } from '../fixtures/wait.ts'
import { clients, generateCsv, scenario, startConsumer } from './helpers.ts'

const target = await scenario('deleted-folder')
const { topic, work, dir } = target

const produce = async (rows: number, seed: number) =>
  produceCsvToTopic(clients, {
    file: await generateCsv(work, rows, seed),
    topic,
    partitions: 1,
    rejectsFile: `${work}/r`,
  })

it('deleting the batch folder under `traffic consume --follow` stops it, naming the folder', async () => {
  await produce(2_000, 41)
  const run = startConsumer(target, ['--batch-size', '1000', '--idle-timeout', '1', '--follow'])
  await until('the consumer wrote both batches', () => run.files() === 2)
  await rm(dir, { recursive: true })
  await produce(1_000, 42)
  assert.notEqual(await run.exited, 0)
  assert.match(
    run.errors(),
    new RegExp(`the batches at ${dir} were deleted \\(the folder removed or emptied\\) while the consumer`),
  )
  assert.doesNotMatch(run.errors(), /ENOENT/)
})
