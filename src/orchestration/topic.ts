// Facts about the stream topic that decide what `traffic up` must redo, and the reset behind `--fresh`.
import type { Admin } from '@platformatic/kafka'
import type { KafkaConfig } from '../config.ts'
import { endOffsetsOf, kafkaAdmin, kafkaError, startOffsetsOf } from '../stream/kafka-clients.ts'

/** The topic's partitions through an admin client of `traffic up`; `read` is not called when it does not exist. */
async function withTopic<T>(
  config: KafkaConfig,
  doing: string,
  missing: T,
  read: (admin: Admin) => Promise<T>,
): Promise<T> {
  const client = kafkaAdmin(config, 'up')
  try {
    if (!(await client.listTopics()).includes(config.topic)) return missing
    return await read(client)
  } catch (error) {
    throw kafkaError(error, `${doing} of ${config.topic}`)
  } finally {
    await client.close().catch(() => undefined)
  }
}

/** End offset of each partition of the topic (partition → offset); empty when it does not exist. */
export function topicEndOffsets(config: KafkaConfig): Promise<Map<number, number>> {
  return withTopic(config, 'reading the end offsets', new Map(), async (admin) => {
    const ends = await endOffsetsOf(admin, config.topic)
    return new Map(ends.map((offset, partition) => [partition, Number(offset)]))
  })
}

/**
 * Messages the topic holds now: per partition, its end offset less its first offset (not 0 once retention or a
 * deletion removed the oldest records); 0 when it does not exist.
 */
export function topicMessageCount(config: KafkaConfig): Promise<number> {
  return withTopic(config, 'counting the messages', 0, async (admin) => {
    const [starts, ends] = await Promise.all([
      startOffsetsOf(admin, config.topic),
      endOffsetsOf(admin, config.topic),
    ])
    return ends.reduce((sum, end, partition) => sum + Number(end - (starts[partition] ?? 0n)), 0)
  })
}

/** Deletes the topic, its dead letters and the batch writer's committed offsets, so a run starts from nothing. */
export async function resetTopic(config: KafkaConfig, groupId: string): Promise<void> {
  await deleteTopics(config, [config.topic, config.deadLetterTopic])
  await forgetCommittedOffsets(config, groupId)
}

/** Deletes those of the topics that exist (the live view's windows and alerts, on a fresh start). */
export async function deleteTopics(config: KafkaConfig, topics: string[]): Promise<void> {
  const client = kafkaAdmin(config, 'up')
  try {
    const existing = await client.listTopics()
    const doomed = topics.filter((t) => existing.includes(t))
    if (doomed.length) await client.deleteTopics({ topics: doomed })
  } catch (error) {
    throw kafkaError(error, `deleting ${topics.join(', ')}`)
  } finally {
    await client.close().catch(() => undefined)
  }
}

/** Deletes the batch writer's committed offsets: a consumer without batch files then reads the topic whole. */
export async function forgetCommittedOffsets(config: KafkaConfig, groupId: string): Promise<void> {
  const client = kafkaAdmin(config, 'up')
  try {
    if ((await client.listGroups()).has(groupId)) await client.deleteGroups({ groups: [groupId] })
  } catch (error) {
    throw kafkaError(error, `deleting the offsets of consumer group ${groupId}`)
  } finally {
    await client.close().catch(() => undefined)
  }
}
