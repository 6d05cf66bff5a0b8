// A group member that lost its partition without knowing it (paused longer than its session: a stalled machine,
// here SIGSTOP) must not write it when it wakes up: the member that took over has written the same offsets in
// batches cut elsewhere, and a crossing file would leave the folder in a state no later start accepts.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { produceCsvToTopic } from '../../src/stream/produce.ts'
import { traffic } from '../fixtures/cli.ts'
import { sleep, until } from '../fixtures/wait.ts'
import {
  type ConsumerProcess,
  clients,
  csvLines,
  generateCsv,
  readBatches,
  scenario,
  startConsumer,
} from './helpers.ts'

const target = await scenario('stale')
const { topic, groupId, work, dir, store } = target

async function stop(member: ConsumerProcess): Promise<number | null> {
  member.child.kill('SIGTERM')
  return member.exited
}

it('a member paused past its session writes nothing for the partition it lost; the folder stays consistent', async () => {
  // Three parts of the stream, produced at three moments.
  const parts = [
    await generateCsv(work, 4_000, 31),
    await generateCsv(work, 1_000, 32),
    await generateCsv(work, 5_000, 33),
  ]
  const produce = (file: string) =>
    produceCsvToTopic(clients, { file, topic, partitions: 1, rejectsFile: `${work}/r` })
  const batches = ['--batch-size', '4000', '--follow']

  // A writes offsets 0–3999, then holds 4000–4999 in its open batch (its idle timeout is far away) and is paused.
  await produce(parts[0] as string)
  const a = startConsumer(target, [...batches, '--idle-timeout', '120'])
  await until('A wrote its first file', () => a.files() === 1)
  await produce(parts[1] as string)
  await until('A read 4000–4999 into its open batch', () => a.consumed() === 5_000)
  assert.equal(a.files(), 1, 'A holds 4000–4999 open, written to no file')
  a.child.kill('SIGSTOP')

  // B takes the partition once A's session expires and cuts the same offsets differently: 4000–4999 as a partial
  // batch (idle), then 5000–8999 and 9000–9999.
  const b = startConsumer(target, [...batches, '--idle-timeout', '2'])
  await until('B wrote the partial batch', () => b.files() === 1)
  await produce(parts[2] as string)
  await until('B wrote the rest', () => b.files() === 3)

  // A wakes up with 4000–4999 in memory and reads on: a file 4000–7999 would cross B's 5000–8999.
  const filesOfA = a.files()
  a.child.kill('SIGCONT')
  await sleep(15_000)
  assert.equal(a.files(), filesOfA, 'A wrote no file after waking up')
  assert.equal(await stop(a), 0, `A failed: ${a.errors()}`)
  assert.equal(await stop(b), 0, `B failed: ${b.errors()}`)

  // A later start accepts the folder, and the files hold every row exactly once.
  const last = await traffic([
    'consume',
    '--topic',
    topic,
    '--out',
    dir,
    '--group',
    groupId,
    '--idle-timeout',
    '2',
  ])
  assert.equal(last.code, 0, last.stderr)
  const written = await readBatches(store, topic)
  let next = 0n
  for (const batch of written) {
    assert.equal(batch.first, next, `a file starts at ${batch.first}, expected ${next}`)
    next = batch.last + 1n
  }
  assert.equal(next, 10_000n)
  const source = (await Promise.all(parts.map(csvLines))).flat().sort()
  assert.deepEqual(written.flatMap((batch) => batch.lines).sort(), source)
})
