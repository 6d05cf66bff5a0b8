// `traffic live`'s feed: replays the data set as a live city. Row n is sent n/rate real seconds into the run and
// happened at simulated time start + clock × n/rate; it is a row of that instant's Day Of Week and Hour Of Day.
// A `jam:<City>` scenario lifts that city's densities above their usual range for one simulated hour.

import { CITIES, type City, type TrafficRecord } from '../contract/columns.ts'
import { TrafficError } from '../errors.ts'
import type { KafkaClients } from '../stream/kafka-clients.ts'
import { KafkaTopicOutput } from '../stream/output-kafka-topic.ts'
import type { HeadedMessage } from '../stream/record-batch.ts'
import { scenarioHeaders } from '../stream/scenario-header.ts'
import { addHours, dayHourOf, nextHour, simulatedTime } from './clock.ts'
import type { DatasetIndex } from './dataset-index.ts'
import { encodeLiveMessage } from './message.ts'

export interface JamScenario {
  city: City
}

/** `jam:<City>` → the scenario; anything else is a clear error. */
export function parseScenario(raw: string): JamScenario {
  const [kind, city] = raw.split(':')
  if (kind !== 'jam' || !CITIES.includes(city as City)) {
    throw new TrafficError('INVALID_INPUT', `--scenario must be jam:<City>, got "${raw}"`, {
      hint: `cities: ${CITIES.join(', ')}`,
    })
  }
  return { city: city as City }
}

export interface ReplayOptions {
  topic: string
  partitions: number
  /** Simulated seconds per real second. */
  clock: number
  /** Rows per real second. */
  rate: number
  /** Simulated time of the first row. */
  start: Date
  scenario?: JamScenario
  /** Stop after this many real seconds. */
  durationSeconds?: number
  /** Stop after this many rows. */
  limit?: number
  signal?: AbortSignal
  onProgress?: (stats: ReplayStats) => void
}

export interface ReplayStats {
  sent: number
  /** Real seconds since the start. */
  seconds: number
  /** Simulated time of the next row. */
  clock: Date
  /** The jam's simulated hour, when a scenario runs. */
  jam?: { city: City; from: Date; to: Date; rows: number }
}

const TICK_MS = 100

/** The simulated hour the jam fills: the first whole hour of the replay. */
function jamHour(start: Date): { from: Date; to: Date } {
  const aligned = start.getTime() % 3_600_000 === 0
  const from = aligned ? start : nextHour(start)
  return { from, to: addHours(from, 1) }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', wake)
      resolve()
    }
    const timer = setTimeout(wake, ms)
    signal?.addEventListener('abort', wake)
  })
}

export async function replay(
  clients: KafkaClients,
  dataset: DatasetIndex,
  options: ReplayOptions,
): Promise<ReplayStats> {
  const { clock, rate, start, signal } = options
  const output = new KafkaTopicOutput(clients, { topic: options.topic, partitions: options.partitions })
  const stats: ReplayStats = { sent: 0, seconds: 0, clock: start }
  if (options.scenario) stats.jam = { city: options.scenario.city, ...jamHour(start), rows: 0 }
  const jamTop = options.scenario ? (dataset.maxDensityByCity.get(options.scenario.city) ?? 1) : 0

  function message(n: number): Buffer | HeadedMessage {
    const time = simulatedTime(start, clock, rate, n)
    const record: TrafficRecord = dataset.record(dayHourOf(time), n)
    const jam = stats.jam
    if (!jam || record.City !== jam.city || time < jam.from || time >= jam.to) {
      return Buffer.from(encodeLiveMessage(record, time))
    }
    jam.rows++
    const jammed = { ...record, 'Traffic Density': jamTop + record['Traffic Density'] }
    // Marked as made up, so the batch consumer keeps it out of the training data.
    return {
      value: Buffer.from(encodeLiveMessage(jammed, time)),
      headers: scenarioHeaders(`jam:${jam.city}`),
    }
  }

  const began = performance.now()
  const deadline = options.durationSeconds === undefined ? Infinity : options.durationSeconds * 1000
  const limit = options.limit ?? Infinity
  // At most one second of rows per request, so a slow broker makes the replay lag rather than balloon.
  const maxRequest = Math.max(1, rate)
  await output.connect()
  try {
    while (!signal?.aborted && stats.sent < limit) {
      const elapsed = performance.now() - began
      if (elapsed >= deadline) break
      const due = Math.min(limit, Math.floor((elapsed / 1000) * rate), stats.sent + maxRequest)
      if (due > stats.sent) {
        const messages: (Buffer | HeadedMessage)[] = []
        for (let n = stats.sent; n < due; n++) messages.push(message(n))
        await output.write(messages)
        stats.sent = due
        stats.clock = simulatedTime(start, clock, rate, stats.sent)
        stats.seconds = (performance.now() - began) / 1000
        options.onProgress?.(stats)
      }
      await sleep(TICK_MS, signal)
    }
  } finally {
    await output.close()
  }
  stats.seconds = (performance.now() - began) / 1000
  return stats
}
