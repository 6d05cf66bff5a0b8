// Facts about the stream topic that decide what `traffic up` must redo, and the reset behind `--fresh`.
import type { Admin } from '@platformatic/kafka'
import type { KafkaConfig } from '../config.ts'
import { kafkaAdmin, kafkaError } from '../stream/kafka-clients.ts'

/** End offset of each partition of the topic (partition → offset); empty when it does not exist. */
export async function topicEndOffsets(config: KafkaConfig): Promise<Map<number, number>> {
  const client = kafkaAdmin(config, 'up')
  try {
    if (!(await client.listTopics()).includes(config.topic)) return new Map()
    const metadata = await client.metadata({ topics: [config.topic] })
    const partitions = metadata.topics.get(config.topic)?.partitionsCount ?? 0
    const listed = await client.listOffsets({
      topics: [
        {
          name: config.topic,
          partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({
            partitionIndex,
            timestamp: -1n,
          })),
        },
      ],
    })
    return new Map(listed.flatMap((t) => t.partitions).map((p) => [p.partitionIndex, Number(p.offset)]))
  } catch (error) {
    throw kafkaError(error, `reading the end offsets of ${config.topic}`)
  } finally {
    await client.close().catch(() => undefined)
  }
}

/** Messages in the topic (sum of the partitions' end offsets); 0 when it does not exist. */
export async function topicMessageCount(config: KafkaConfig): Promise<number> {
  return [...(await topicEndOffsets(config)).values()].reduce((sum, offset) => sum + offset, 0)
}

/** Deletes the topic, its dead letters and the batch writer's committed offsets, so a run starts from nothing. */
export async function resetTopic(config: KafkaConfig, groupId: string): Promise<void> {
  const client = kafkaAdmin(config, 'up')
  try {
    const existing = await client.listTopics()
    const topics = [config.topic, config.deadLetterTopic].filter((t) => existing.includes(t))
    if (topics.length) await client.deleteTopics({ topics })
    await deleteGroup(client, groupId)
  } catch (error) {
    throw kafkaError(error, `resetting ${config.topic}`)
  } finally {
    await client.close().catch(() => undefined)
  }
}

/** Deletes the batch writer's committed offsets: a consumer without batch files then reads the topic whole. */
export async function forgetCommittedOffsets(config: KafkaConfig, groupId: string): Promise<void> {
  const client = kafkaAdmin(config, 'up')
  try {
    await deleteGroup(client, groupId)
  } catch (error) {
    throw kafkaError(error, `deleting the offsets of consumer group ${groupId}`)
  } finally {
    await client.close().catch(() => undefined)
  }
}

async function deleteGroup(client: Admin, groupId: string): Promise<void> {
  const groups = await client.listGroups()
  if (groups.has(groupId)) await client.deleteGroups({ groups: [groupId] })
}
