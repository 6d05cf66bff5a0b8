// Record batches we encode are read back by the client library's own decoder: every field, every value, the CRC.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { crc32c, Reader, readRecordsBatch } from '@platformatic/kafka'
import type { KafkaCodec } from '../../src/config.ts'
import { encodeRecordBatch, nextSequence } from '../../src/stream/record-batch.ts'

// 300 values: offset deltas past 127 and values past 127 bytes take two-byte varints; one value is not ASCII.
const values = Array.from({ length: 300 }, (_, i) =>
  Buffer.from(i === 7 ? '{"City":"Zürich – ☂"}' : `{"row":${i},"pad":"${'x'.repeat(i % 160)}"}`),
)

describe('record batch encoding', () => {
  for (const compression of ['none', 'gzip', 'lz4'] as KafkaCodec[]) {
    it(`a ${compression} batch decodes to the same values, producer id, epoch and sequence`, () => {
      const producer = { producerId: 4_321n, producerEpoch: 3, firstSequence: 2_000, compression }
      const batch = encodeRecordBatch(values, producer)
      const decoded = readRecordsBatch(Reader.from(batch))
      assert.equal(decoded.length, batch.length - 12)
      assert.equal(decoded.magic, 2)
      assert.equal(decoded.crc, crc32c(batch.subarray(21)))
      assert.equal(decoded.producerId, 4_321n)
      assert.equal(decoded.producerEpoch, 3)
      assert.equal(decoded.firstSequence, 2_000)
      assert.equal(decoded.lastOffsetDelta, values.length - 1)
      assert.deepEqual(
        decoded.records.map((r) => r.value),
        values,
      )
      assert.deepEqual(
        decoded.records.map((r) => r.offsetDelta),
        values.map((_, i) => i),
      )
      // No key (length -1, read as null) and no headers.
      assert.ok(decoded.records.every((r) => r.key === null && r.headers.length === 0))
    })
  }

  it('records with headers keep them, beside records without', () => {
    const producer = { producerId: 1n, producerEpoch: 0, firstSequence: 0, compression: 'none' as const }
    const headers = { 'traffic.scenario': 'jam:Neuroburg', empty: '' }
    const batch = encodeRecordBatch([values[0] as Buffer, { value: values[7] as Buffer, headers }], producer)
    const decoded = readRecordsBatch(Reader.from(batch))
    assert.deepEqual(
      decoded.records.map((r) => r.value),
      [values[0], values[7]],
    )
    assert.deepEqual(decoded.records[0]?.headers, [])
    assert.deepEqual(
      decoded.records[1]?.headers.map(([key, value]) => [key?.toString(), value?.toString()]),
      Object.entries(headers),
    )
  })

  it('sequence numbers wrap to 0 after the largest int32', () => {
    assert.equal(nextSequence(10, 5), 15)
    assert.equal(nextSequence(2 ** 31 - 2, 5), 3)
  })
})
