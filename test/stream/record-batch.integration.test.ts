// Our record batches on the real broker: it checks their producer id and sequence numbers, which is what makes a
// re-sent batch (a retry after a lost answer or a leader change) land once.
import assert from 'node:assert/strict'
import { after, it } from 'node:test'
import { findKafkaError } from '../../src/stream/kafka-clients.ts'
import { encodeRecordBatch, produceBatches } from '../../src/stream/record-batch.ts'
import { cleanUp, clients, readTopic, unique } from './helpers.ts'

const topics: string[] = []
after(() => cleanUp({ topics, dirs: [] }))

it('a batch sent again is stored once; a batch that skips sequence numbers is refused', async () => {
  const topic = unique('resend')
  topics.push(topic)
  await clients.ensureTopic(topic, 1)
  const producer = clients.producer(unique('resend'))
  const connections = clients.connectionPool(unique('resend'))
  try {
    const { producerId, producerEpoch } = await producer.initIdempotentProducer({})
    const metadata = await producer.metadata({ topics: [topic] })
    const leader = metadata.brokers.get(metadata.topics.get(topic)?.partitions[0]?.leader ?? -1)
    assert.ok(leader, 'the partition has a leader')
    const connection = await connections.get(leader)
    const send = (firstSequence: number, values: string[]) =>
      produceBatches.async(connection, -1, 30_000, topic, [
        {
          partition: 0,
          batch: encodeRecordBatch(
            values.map((v) => Buffer.from(v)),
            { producerId, producerEpoch, firstSequence, compression: 'none' },
          ),
        },
      ])

    await send(0, ['a', 'b'])
    await send(0, ['a', 'b'])
    await send(2, ['c'])
    await assert.rejects(send(9, ['d']), (error: Error) =>
      findKafkaError(error, 'OUT_OF_ORDER_SEQUENCE_NUMBER'),
    )
    const messages = await readTopic(topic)
    assert.deepEqual(
      messages.map((m) => m.value?.toString()),
      ['a', 'b', 'c'],
    )
  } finally {
    await connections.close()
    await producer.close()
  }
})
