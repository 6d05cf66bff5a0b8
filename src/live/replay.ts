// `traffic live`'s feed: new rows of a live city, drawn from the data set's profile (src/dataset/generator.ts),
// never copies of data-set rows. Row n is sent n/rate real seconds into the run and happened at simulated time
// start + clock × n/rate; it is a row of that instant's Day Of Week and Hour Of Day. The draws are seeded from
// the stream position of the run's first row, so the same topic state gives the same rows, and a later run —
// further on in the topic — new ones.
// A `jam:<City>` scenario lifts that city's densities above their usual range for one simulated hour (made-up
// rows, marked so they stay out of training); `drift:<City>` changes that city from the start of the run to its
// end (real new traffic, trained on like any other row).

import type { KafkaConfig } from '../config.ts'
import { CITIES, type City } from '../contract/columns.ts'
import { type CityDrift, drawRecord } from '../dataset/generator.ts'
import { Random } from '../dataset/random.ts'
import { TrafficError } from '../errors.ts'
import { topicEndOffsets } from '../orchestration/topic.ts'
import type { KafkaClients } from '../stream/kafka-clients.ts'
import { KafkaTopicOutput } from '../stream/output-kafka-topic.ts'
import type { HeadedMessage } from '../stream/record-batch.ts'
import { scenarioHeaders } from '../stream/scenario-header.ts'
import { addHours, dayHourOf, nextHour, simulatedTime } from './clock.ts'
import { encodeLiveMessage } from './message.ts'

export interface Scenario {
  kind: 'jam' | 'drift'
  city: City
}

const SCENARIO_KINDS: readonly string[] = ['jam', 'drift']

/** `jam:<City>` or `drift:<City>` → the scenario; anything else is a clear error. */
export function parseScenario(raw: string): Scenario {
  const [kind, city, ...rest] = raw.split(':')
  if (!SCENARIO_KINDS.includes(kind as string) || !CITIES.includes(city as City) || rest.length > 0) {
    throw new TrafficError('INVALID_INPUT', `--scenario must be jam:<City> or drift:<City>, got "${raw}"`, {
      hint: `cities: ${CITIES.join(', ')}`,
    })
  }
  return { kind: kind as Scenario['kind'], city: city as City }
}

/** The stream topic's position now: its end offsets summed (0 when it does not exist yet). */
export async function streamPosition(kafka: KafkaConfig): Promise<number> {
  let position = 0
  for (const end of (await topicEndOffsets(kafka)).values()) position += end
  return position
}

/** The seed of a run's draws: its first row's position in the stream topic, mixed so near positions differ. */
function streamSeed(position: number): number {
  let h = (position ^ Math.imul(Math.floor(position / 2 ** 32), 0x27d4eb2d) ^ 0x5bd1e995) | 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

/** The top of a city's usual density range: the highest density among many generated rows of the city. */
function usualTopDensity(city: City): number {
  const random = new Random(1)
  let top = 0
  for (let i = 0; i < 60_000; i++) {
    const record = drawRecord(random)
    if (record.City === city) top = Math.max(top, record['Traffic Density'])
  }
  return top
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
  /** Position in the stream topic of the run's first row (`streamPosition`): seeds the draws. */
  position: number
  scenario?: Scenario
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
  /** The jam's simulated hour, when a jam runs. */
  jam?: { city: City; from: Date; to: Date; rows: number }
  /** The drifting city and the simulated time the drift began, when a drift runs. */
  drift?: { city: City; from: Date }
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

export async function replay(clients: KafkaClients, options: ReplayOptions): Promise<ReplayStats> {
  const { clock, rate, start, signal, scenario } = options
  const output = new KafkaTopicOutput(clients, { topic: options.topic, partitions: options.partitions })
  const stats: ReplayStats = { sent: 0, seconds: 0, clock: start }
  if (scenario?.kind === 'jam') stats.jam = { city: scenario.city, ...jamHour(start), rows: 0 }
  if (scenario?.kind === 'drift') stats.drift = { city: scenario.city, from: start }
  const jamTop = stats.jam ? usualTopDensity(stats.jam.city) : 0
  const drift: CityDrift | undefined = stats.drift && { city: stats.drift.city }
  const random = new Random(streamSeed(options.position))

  // Rows are drawn in order n = 0, 1, …, one draw sequence per run: reproducible, and no row repeats.
  function message(n: number): Buffer | HeadedMessage {
    const time = simulatedTime(start, clock, rate, n)
    const record = drawRecord(random, { at: dayHourOf(time), drift })
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
