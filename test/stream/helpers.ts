// Shared by the stream integration tests: unique names, generated CSV files, where the batch objects go (a folder,
// or a bucket prefix on S3Proxy), and independent ways to look at what landed (the client library's own consumer
// for topics, the storage seam's plain reads for batch objects).
import assert from 'node:assert/strict'
import type { ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after } from 'node:test'
import { Admin, Consumer, ListOffsetTimestamps, Producer } from '@platformatic/kafka'
import { loadConfig } from '../../src/config.ts'
import { CSV_HEADER, encodeCsvLine } from '../../src/contract/csv.ts'
import { decodeJsonMessage } from '../../src/contract/json.ts'
import { writeSyntheticCsv } from '../../src/dataset/write-synthetic.ts'
import { FolderStore } from '../../src/storage/folder-store.ts'
import type { ObjectStore } from '../../src/storage/object-store.ts'
import { listBatchFiles } from '../../src/stream/batch-files.ts'
import type { ConsumeOptions } from '../../src/stream/consume.ts'
import { kafkaClients } from '../../src/stream/kafka-clients.ts'
import { spawnTraffic } from '../fixtures/cli.ts'

export const config = loadConfig()
export const clients = kafkaClients(config.kafka)

export function unique(name: string): string {
  return `test-${name}-${randomUUID().slice(0, 8)}`
}

export async function tempDir(name: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `${name}-`))
}

/** Where a scenario's batch objects go. */
export interface BatchPlace {
  /** As TRAFFIC_BATCHES / `--out` take it: a folder or `s3://bucket/prefix`. */
  dir: string
  store: ObjectStore
  /** What a `traffic` process needs in its environment to reach the store. */
  env: NodeJS.ProcessEnv
}

/** A kind of batch storage: gives each scenario a place of its own. */
export type BatchStorage = (work: string, name: string) => BatchPlace

/** The default: a `batches` folder inside the scenario's work folder. */
export const folderStorage: BatchStorage = (work) => {
  const dir = path.join(work, 'batches')
  return { dir, store: new FolderStore(dir), env: {} }
}

export interface Scenario extends BatchPlace {
  topic: string
  groupId: string
  /** A work folder of the scenario's own (generated CSV files; the batch folder, when stored in a folder). */
  work: string
}

/**
 * A fresh topic (and its dead-letter topic), consumer group, work folder and batch place, deleted after the test
 * that asked for them — or after the file, when asked at its top level.
 */
export async function scenario(name: string, storage: BatchStorage = folderStorage): Promise<Scenario> {
  const topic = unique(name)
  const groupId = unique(`${name}-group`)
  const work = await tempDir(name)
  after(() => cleanUp({ topics: [topic, `${topic}.dlq`], groups: [groupId], dirs: [work] }))
  return { topic, groupId, work, ...storage(work, topic) }
}

export async function generateCsv(dir: string, rows: number, seed: number): Promise<string> {
  const out = path.join(dir, `generated-${rows}-${seed}.csv`)
  await writeSyntheticCsv({ rows, seed, out })
  return out
}

/** The data lines of a CSV file (header dropped), sorted: a multiset to compare. */
export async function csvLines(file: string): Promise<string[]> {
  const lines = (await readFile(file, 'utf8')).split('\n').slice(1)
  return lines.filter((line) => line !== '').sort()
}

export interface BatchContent {
  partition: number
  first: bigint
  last: bigint
  lines: string[]
}

/** Every batch object of a topic with its data lines, after checking each starts with the header. */
export async function readBatches(store: ObjectStore, topic: string): Promise<BatchContent[]> {
  const files = await listBatchFiles(store, topic)
  return Promise.all(
    files.map(async (file) => {
      const object = await store.get(file.name)
      if (!object) throw new Error(`${file.name} vanished while read`)
      const [header, ...lines] = object.body.toString('utf8').split('\n')
      if (header !== CSV_HEADER) throw new Error(`${file.name} does not start with the header`)
      return { ...file, lines: lines.filter((line) => line !== '') }
    }),
  )
}

export interface TopicMessage {
  partition: number
  offset: bigint
  key: Buffer | undefined
  value: Buffer | undefined
  headers: Map<string, string>
}

/** Everything on a topic up to its current end, read with the client library's own consumer. */
export async function readTopic(topic: string): Promise<TopicMessage[]> {
  const consumer = new Consumer({
    clientId: 'test-reader',
    bootstrapBrokers: config.kafka.brokers,
    groupId: unique('reader'),
  })
  try {
    const ends = (
      await consumer.listOffsets({ topics: [topic], timestamp: ListOffsetTimestamps.LATEST })
    ).get(topic)
    const total = (ends ?? []).reduce((sum, end) => sum + Number(end), 0)
    const messages: TopicMessage[] = []
    if (total === 0) return messages
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
    for await (const message of stream) {
      const headers = new Map([...message.headers].map(([k, v]) => [k.toString(), v.toString()]))
      messages.push({
        partition: message.partition,
        offset: message.offset,
        key: message.key,
        value: message.value,
        headers,
      })
      if (messages.length >= total) break
    }
    await stream.close()
    return messages
  } finally {
    await consumer.close(true)
  }
}

/** A topic's JSON rows as CSV lines, sorted (fails on a message that is not a valid row). */
export function rowsAsCsvLines(messages: TopicMessage[]): string[] {
  return messages
    .map((message) => {
      const decoded = decodeJsonMessage(message.value ?? '')
      if (!decoded.ok) throw new Error(`offset ${message.offset} is not a valid row`)
      return encodeCsvLine(decoded.value)
    })
    .sort()
}

/** Sends raw values (null: a message without value) to given partitions, as a plain producer would. */
export async function sendRaw(
  topic: string,
  values: { partition: number; value: string | null }[],
): Promise<void> {
  const producer = new Producer({ clientId: 'test-raw', bootstrapBrokers: config.kafka.brokers })
  try {
    await producer.send({
      messages: values.map(({ partition, value }) => ({
        topic,
        partition,
        value: value === null ? undefined : Buffer.from(value),
      })),
    })
  } finally {
    await producer.close()
  }
}

export async function cleanUp(options: {
  topics?: string[]
  groups?: string[]
  dirs?: string[]
}): Promise<void> {
  const admin = new Admin({ clientId: 'test-cleanup', bootstrapBrokers: config.kafka.brokers })
  try {
    if (options.groups?.length) await admin.deleteGroups({ groups: options.groups }).catch(() => undefined)
    if (options.topics?.length) await admin.deleteTopics({ topics: options.topics }).catch(() => undefined)
  } finally {
    await admin.close()
  }
  for (const dir of options.dirs ?? []) await rm(dir, { recursive: true, force: true })
}

/** The group's committed offset per partition of a topic. */
export async function committedOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
  const admin = new Admin({ clientId: 'test-offsets', bootstrapBrokers: config.kafka.brokers })
  try {
    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
    const partitions = group?.topics.find((t) => t.name === topic)?.partitions ?? []
    return new Map(partitions.map((p) => [p.partitionIndex, p.committedOffset]))
  } finally {
    await admin.close()
  }
}

/** Deletes a topic and creates it again under the same name (a new topic ID); resolves once it is usable. */
export async function recreateTopic(topic: string, partitions: number): Promise<void> {
  const admin = new Admin({ clientId: 'test-recreate', bootstrapBrokers: config.kafka.brokers })
  try {
    await admin.deleteTopics({ topics: [topic] })
    // Deletion finishes in the background: creating the name again fails until it has.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.createTopics({ topics: [topic], partitions, replicas: 1 })
        return
      } catch (error) {
        if (attempt >= 60) throw error
        await new Promise((resolve) => setTimeout(resolve, 500))
      }
    }
  } finally {
    await admin.close()
  }
}

/** Deletes a partition's records before `offset`, as retention does: the log then starts there. */
export async function deleteRecordsBefore(topic: string, partition: number, offset: bigint): Promise<void> {
  const admin = new Admin({ clientId: 'test-retention', bootstrapBrokers: config.kafka.brokers })
  try {
    await admin.deleteRecords({ topics: [{ name: topic, partitions: [{ partition, offset }] }] })
  } finally {
    await admin.close()
  }
}

export interface ConsumerProcess {
  child: ChildProcess
  /** Batch files this process reported written so far, and the rows in them. */
  files: () => number
  rows: () => number
  /** Messages it last reported read (in files, open batches or dead letters); 0 before its first report. */
  consumed: () => number
  /** Everything it printed on stderr so far. */
  errors: () => string
  exited: Promise<number | null>
}

/** The arguments of `traffic consume` for a scenario. */
export function consumeArgs(target: { topic: string; dir: string; groupId: string }): string[] {
  return ['consume', '--topic', target.topic, '--out', target.dir, '--group', target.groupId]
}

/** Runs `traffic consume` in its own process (one line per batch file on stdout), to kill or pause it. */
export function startConsumer(
  target: { topic: string; dir: string; groupId: string; env?: NodeJS.ProcessEnv },
  flags: string[] = [],
): ConsumerProcess {
  const child = spawnTraffic([...consumeArgs(target), ...flags], target.env)
  let written = 0
  let rows = 0
  let consumed = 0
  let errors = ''
  let partial = ''
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) {
      const read = /^ +([\d,]+) messages read/.exec(line)?.[1]
      if (read !== undefined) consumed = Number(read.replaceAll(',', ''))
      const count = /\((\d+) rows\)/.exec(line)?.[1]
      if (count === undefined) continue
      written += 1
      rows += Number(count)
    }
  })
  child.stderr.on('data', (chunk: Buffer) => {
    errors += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return {
    child,
    files: () => written,
    rows: () => rows,
    consumed: () => consumed,
    errors: () => errors,
    exited,
  }
}

/** Options of an in-process consumer run for a scenario: one partition, 100k-row batches, a 2 s idle wait. */
export function consumeOptions(
  s: { topic: string; groupId: string; store: ObjectStore },
  more: Partial<ConsumeOptions> = {},
): ConsumeOptions {
  return {
    topic: s.topic,
    deadLetterTopic: `${s.topic}.dlq`,
    groupId: s.groupId,
    store: s.store,
    batchSize: 100_000,
    idleTimeoutMs: 2_000,
    follow: false,
    partitions: 1,
    ...more,
  }
}

/** Per partition, the batch objects must tile the offsets 0…end-1: no gap, no overlap. */
export function assertTiles(batches: BatchContent[], ends: Map<number, bigint>): void {
  for (const [partition, end] of ends) {
    let expected = 0n
    for (const batch of batches.filter((b) => b.partition === partition)) {
      assert.equal(
        batch.first,
        expected,
        `partition ${partition}: a file starts at ${batch.first}, not ${expected}`,
      )
      expected = batch.last + 1n
    }
    assert.equal(expected, end, `partition ${partition}: files end at ${expected}, the topic at ${end}`)
  }
}
