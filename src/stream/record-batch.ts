// Kafka record batches (message format v2) built from values that are already bytes, and the Produce request that
// carries them. The client library writes each record through small growable buffers, which took most of the
// producer's main-thread time and garbage; here a batch is sized first and written into one
// Buffer. Its bytes hold the producer id and sequence number, so a re-sent batch is the same bytes and the broker
// recognises it instead of writing it twice.
import type { KafkaCodec } from '../config.ts'
import { compressionsAlgorithms, crc32c, createAPI, produceV9, Writer } from './kafka-internals.ts'

export interface BatchProducer {
  producerId: bigint
  producerEpoch: number
  /** Sequence number of the batch's first record on its partition. */
  firstSequence: number
  compression: KafkaCodec
}

// The batch header, in order: baseOffset 8, batchLength 4, partitionLeaderEpoch 4, magic 1, crc 4, attributes 2,
// lastOffsetDelta 4, baseTimestamp 8, maxTimestamp 8, producerId 8, producerEpoch 2, baseSequence 4, records 4.
const HEADER_BYTES = 61
const CRC_AT = 17
/** The CRC covers everything from the attributes on. */
const CHECKED_FROM = 21
const MAGIC = 2
/** Sequence numbers wrap to 0 after the largest int32, as Kafka's producer does. */
const SEQUENCE_MODULUS = 2 ** 31

/** The sequence number after `count` records from `sequence`. */
export function nextSequence(sequence: number, count: number): number {
  return (sequence + count) % SEQUENCE_MODULUS
}

function zigzag(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0
}

function varintBytes(value: number): number {
  let unsigned = zigzag(value)
  let bytes = 1
  while (unsigned >= 0x80) {
    unsigned >>>= 7
    bytes += 1
  }
  return bytes
}

function writeVarint(target: Buffer, at: number, value: number): number {
  let unsigned = zigzag(value)
  let position = at
  while (unsigned >= 0x80) {
    target[position++] = (unsigned & 0x7f) | 0x80
    unsigned >>>= 7
  }
  target[position++] = unsigned
  return position
}

/** A message with headers; a plain Buffer is a message without. */
export interface HeadedMessage {
  value: Buffer
  headers: Record<string, string>
}

const NO_HEADERS_BYTES = 1

function headerSection(headers: Record<string, string>): Buffer {
  const fields = Object.entries(headers).flatMap(([key, value]) => [Buffer.from(key), Buffer.from(value)])
  const bytes = fields.reduce(
    (sum, field) => sum + varintBytes(field.length) + field.length,
    varintBytes(fields.length / 2),
  )
  const section = Buffer.allocUnsafe(bytes)
  let position = writeVarint(section, 0, fields.length / 2)
  for (const field of fields) {
    position = writeVarint(section, position, field.length)
    position += field.copy(section, position)
  }
  return section
}

/** The encoded header section of each message that has headers (most have none: no object per record). */
function headerSections(messages: (Buffer | HeadedMessage)[]): Map<number, Buffer> {
  const sections = new Map<number, Buffer>()
  messages.forEach((message, i) => {
    if (!Buffer.isBuffer(message)) sections.set(i, headerSection(message.headers))
  })
  return sections
}

function messageValue(message: Buffer | HeadedMessage): Buffer {
  return Buffer.isBuffer(message) ? message : message.value
}

/**
 * A record without key, with its time and offset as deltas from the batch's: attributes, timestamp delta 0,
 * offset delta, key length -1, value length and value, headers — after its own length.
 */
function recordBodyBytes(offsetDelta: number, value: Buffer, headers: Buffer | undefined): number {
  return (
    3 +
    varintBytes(offsetDelta) +
    varintBytes(value.length) +
    value.length +
    (headers ? headers.length : NO_HEADERS_BYTES)
  )
}

function recordsBytes(messages: (Buffer | HeadedMessage)[], headers: Map<number, Buffer>): number {
  let bytes = 0
  for (let i = 0; i < messages.length; i++) {
    const body = recordBodyBytes(i, messageValue(messages[i] as Buffer | HeadedMessage), headers.get(i))
    bytes += varintBytes(body) + body
  }
  return bytes
}

function writeRecords(
  messages: (Buffer | HeadedMessage)[],
  headers: Map<number, Buffer>,
  target: Buffer,
  at: number,
): void {
  let position = at
  for (let i = 0; i < messages.length; i++) {
    const value = messageValue(messages[i] as Buffer | HeadedMessage)
    const section = headers.get(i)
    position = writeVarint(target, position, recordBodyBytes(i, value, section))
    target[position++] = 0
    target[position++] = 0
    position = writeVarint(target, position, i)
    target[position++] = 1 // zigzag(-1): no key
    position = writeVarint(target, position, value.length)
    position += value.copy(target, position)
    if (section) position += section.copy(target, position)
    else target[position++] = 0
  }
}

/** One record batch of `messages` (at least one), every record stamped with the current time. */
export function encodeRecordBatch(messages: (Buffer | HeadedMessage)[], producer: BatchProducer): Buffer {
  const headers = headerSections(messages)
  const codec = compressionsAlgorithms[producer.compression]
  let batch: Buffer
  if (producer.compression === 'none') {
    batch = Buffer.allocUnsafe(HEADER_BYTES + recordsBytes(messages, headers))
    writeRecords(messages, headers, batch, HEADER_BYTES)
  } else {
    const uncompressed = Buffer.allocUnsafe(recordsBytes(messages, headers))
    writeRecords(messages, headers, uncompressed, 0)
    const compressed = codec.compressSync(uncompressed)
    batch = Buffer.allocUnsafe(HEADER_BYTES + compressed.length)
    compressed.copy(batch, HEADER_BYTES)
  }
  const now = BigInt(Date.now())
  batch.writeBigInt64BE(0n, 0)
  batch.writeInt32BE(batch.length - 12, 8)
  batch.writeInt32BE(-1, 12) // partition leader epoch: the broker sets it
  batch.writeInt8(MAGIC, 16)
  batch.writeInt16BE(codec.bitmask, 21)
  batch.writeInt32BE(messages.length - 1, 23)
  batch.writeBigInt64BE(now, 27)
  batch.writeBigInt64BE(now, 35)
  batch.writeBigInt64BE(producer.producerId, 43)
  batch.writeInt16BE(producer.producerEpoch, 51)
  batch.writeInt32BE(producer.firstSequence, 53)
  batch.writeInt32BE(messages.length, 57)
  batch.writeUInt32BE(crc32c(batch.subarray(CHECKED_FROM)), CRC_AT)
  return batch
}

export interface PartitionBatch {
  partition: number
  batch: Buffer
}

export type ProduceResponse = produceV9.ProduceResponse

/** Produce request v9 (Kafka ≥ 2.8; the first flexible version) with the batches of one topic, no transaction. */
function createProduceRequest(
  acks: number,
  timeoutMs: number,
  topic: string,
  batches: PartitionBatch[],
): Writer {
  return Writer.create()
    .appendString(null)
    .appendInt16(acks)
    .appendInt32(timeoutMs)
    .appendArray([topic], (topicWriter, name) => {
      topicWriter.appendString(name).appendArray(batches, (partitionWriter, { partition, batch }) => {
        partitionWriter
          .appendInt32(partition)
          .appendUnsignedVarInt(batch.length + 1)
          .append(batch)
      })
    })
    .appendTaggedFields()
}

/** Sends pre-encoded batches to a partition leader; the library's own response parser reads the answer. */
export const produceBatches = createAPI<
  [acks: number, timeoutMs: number, topic: string, batches: PartitionBatch[]],
  ProduceResponse
>(0, 9, createProduceRequest, produceV9.parseResponse)
