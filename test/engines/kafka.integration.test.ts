// The real local broker carries a message: create a topic, produce, consume it back.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { after, test } from 'node:test'
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka'
import { loadConfig } from '../../src/config.ts'

const { kafka } = loadConfig()
const topic = `test-engines-${randomUUID()}`
const admin = new Admin({ clientId: 'test-admin', bootstrapBrokers: kafka.brokers })

after(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined)
  await admin.close()
})

test('a message goes through the real Kafka broker', async () => {
  const created = await admin.createTopics({ topics: [topic], partitions: 1, replicas: 1 })
  assert.equal(created[0]?.name, topic)

  const producer = new Producer({
    clientId: 'test-producer',
    bootstrapBrokers: kafka.brokers,
    serializers: stringSerializers,
    idempotent: true,
  })
  const sent = await producer.send({ messages: [{ topic, key: 'k1', value: '{"City":"AquaCity"}' }] })
  await producer.close()
  assert.equal(sent.offsets?.[0]?.offset, 0n)

  const consumer = new Consumer({
    groupId: `test-group-${randomUUID()}`,
    clientId: 'test-consumer',
    bootstrapBrokers: kafka.brokers,
    deserializers: stringDeserializers,
  })
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
  let received: { key: string; value: string; offset: bigint } | undefined
  for await (const message of stream) {
    received = { key: message.key, value: message.value, offset: message.offset }
    break
  }
  await stream.close()
  await consumer.close()
  assert.deepEqual(received, { key: 'k1', value: '{"City":"AquaCity"}', offset: 0n })
})
