// The topics of the live view, created by whichever of `traffic live` and the API comes first: both go through
// here, so the partition counts never depend on which started first.
import type { Config } from '../config.ts'
import type { KafkaClients } from './kafka-clients.ts'

export interface LiveTopics {
  /** The stream of rows (the topic `traffic produce` writes). */
  stream: string
  /** The streaming queries' window aggregates. */
  windows: string
  alerts: string
}

export function liveTopics(config: Pick<Config, 'kafka' | 'live'>): LiveTopics {
  return { stream: config.kafka.topic, windows: config.live.windowsTopic, alerts: config.live.alertsTopic }
}

/**
 * Windows and alerts are few (a row per city and window): one partition keeps them in the order they were
 * written, so the API's backfill of the last messages is the latest ones across every city.
 */
export const LIVE_RESULT_PARTITIONS = 1

/** Creates whichever live topics are missing: the stream with `streamPartitions`, the results with one. */
export async function ensureLiveTopics(
  clients: KafkaClients,
  topics: LiveTopics,
  streamPartitions: number,
): Promise<void> {
  await clients.ensureTopic(topics.stream, streamPartitions)
  await clients.ensureTopic(topics.windows, LIVE_RESULT_PARTITIONS)
  await clients.ensureTopic(topics.alerts, LIVE_RESULT_PARTITIONS)
}
