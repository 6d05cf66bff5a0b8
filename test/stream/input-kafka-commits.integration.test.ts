// The group input's commits are fenced by generation: a member still acting on an assignment the group has moved on
// from (its commit was in flight, or refused and about to be sent again, while the group rebalanced) cannot
// overwrite the offset the partition's new owner committed.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { type InputEvent, KafkaGroupInput } from '../../src/stream/input-kafka.ts'
import { clients, committedOffsets, scenario } from './helpers.ts'

async function assignment(input: KafkaGroupInput): Promise<number[]> {
  const event: InputEvent = await input.read()
  assert.equal(event.kind, 'assignment')
  return event.kind === 'assignment' ? event.partitions : []
}

it("a commit for an earlier generation's assignment is refused and leaves the new owner's offset in place", async () => {
  const s = await scenario('fenced-commit')
  await clients.ensureTopic(s.topic, 2)
  const first = new KafkaGroupInput(clients, { topic: s.topic, groupId: s.groupId })
  const second = new KafkaGroupInput(clients, { topic: s.topic, groupId: s.groupId })
  try {
    await first.connect()
    assert.deepEqual(await assignment(first), [0, 1])
    // The second member's join resolves once the group has formed a new generation that splits the partitions.
    await second.connect()
    const taken = await assignment(second)
    assert.equal(taken.length, 1)
    const [lost] = taken as [number]
    const kept = 1 - lost
    assert.equal(await second.ack(lost, 7n), true)

    // The first member has not read its new assignment yet: a commit of the partition it lost is refused.
    assert.equal(await first.ack(lost, 5n), false)
    assert.equal((await committedOffsets(s.groupId, s.topic)).get(lost), 7n)

    // Once it has read the new assignment, it commits the partition it kept, and never the one it lost.
    assert.deepEqual(await assignment(first), [kept])
    assert.equal(await first.ack(kept, 3n), true)
    assert.equal(await first.ack(lost, 5n), false)
    const committed = await committedOffsets(s.groupId, s.topic)
    assert.deepEqual([committed.get(lost), committed.get(kept)], [7n, 3n])
  } finally {
    await first.close()
    await second.close()
  }
})
