// The undocumented parts of the Kafka client that the producer and the fetch loop build on still have the shape we
// rely on: each export exists with its kind, and small known inputs give known outputs. A failure names the export
// and the pinned version; README "Upgrading the Kafka client" says what to do.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { Reader } from '@platformatic/kafka'
import type { KafkaCodec } from '../../src/config.ts'

const LIBRARY = '@platformatic/kafka'
const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))
const pinned: string = manifest.dependencies[LIBRARY]
const installed: string = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.resolve(LIBRARY)), 'utf8'),
).version

// A missing export fails the module's linking; say which library version did it before anything else runs.
const internals = await import('../../src/stream/kafka-internals.ts').catch((error: Error) => {
  throw new Error(`${LIBRARY} ${installed} (package.json pins ${pinned}) changed: ${error.message}`)
})

function changed(name: string, what: string): string {
  return `${LIBRARY} ${installed} (package.json pins ${pinned}): ${name} ${what}`
}

function kindOf(name: keyof typeof internals, kind: 'function' | 'object' | 'number'): void {
  assert.equal(typeof internals[name], kind, changed(name, `is no longer a ${kind}`))
}

test('package.json pins the client to the exact version installed', () => {
  assert.match(pinned, /^\d+\.\d+\.\d+$/, `${LIBRARY} must be pinned exactly (npm install --save-exact)`)
  assert.equal(installed, pinned, `node_modules holds ${LIBRARY} ${installed}, package.json pins ${pinned}`)
})

test('every internal is exported with its kind', () => {
  kindOf('crc32c', 'function')
  kindOf('createAPI', 'function')
  kindOf('Writer', 'function')
  kindOf('ConnectionPool', 'function')
  kindOf('produceV9', 'object')
  kindOf('offsetCommitV8', 'object')
  kindOf('compressionsAlgorithms', 'object')
  kindOf('IS_CONTROL', 'number')
  assert.equal(
    typeof internals.produceV9.parseResponse,
    'function',
    changed('produceV9.parseResponse', 'is gone'),
  )
  assert.equal(
    typeof internals.offsetCommitV8.api?.async,
    'function',
    changed('offsetCommitV8.api', 'is gone'),
  )
  for (const method of ['get', 'close'] as const) {
    assert.equal(
      typeof internals.ConnectionPool.prototype[method],
      'function',
      changed(`ConnectionPool#${method}`, 'is gone'),
    )
  }
})

test('crc32c gives the CRC-32C check value', () => {
  assert.equal(
    internals.crc32c(Buffer.from('123456789')),
    0xe3069283,
    changed('crc32c', 'computes another CRC'),
  )
})

test('the control-batch flag is bit 5 of the batch attributes', () => {
  assert.equal(internals.IS_CONTROL, 1 << 5, changed('IS_CONTROL', 'moved'))
})

test('each codec keeps its protocol id and round-trips a buffer', () => {
  const ids = { none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4 } satisfies Record<KafkaCodec, number>
  const data = Buffer.from('{"row":1}'.repeat(50))
  for (const [codec, id] of Object.entries(ids) as [KafkaCodec, number][]) {
    const algorithm = internals.compressionsAlgorithms[codec]
    assert.equal(algorithm?.bitmask, id, changed(`compressionsAlgorithms.${codec}.bitmask`, `is not ${id}`))
    if (!algorithm.available) continue
    assert.deepEqual(
      algorithm.decompressSync(algorithm.compressSync(data)),
      data,
      changed(`compressionsAlgorithms.${codec}`, 'no longer round-trips'),
    )
  }
})

test('the Writer writes the compact (flexible) encoding a Produce v9 request is made of', () => {
  const request = internals.Writer.create()
    .appendString(null)
    .appendInt16(-1)
    .appendInt32(30_000)
    .appendArray(['t'], (topic, name) => {
      topic.appendString(name).appendArray([Buffer.from([0xaa, 0xbb])], (partition, batch) => {
        partition
          .appendInt32(2)
          .appendUnsignedVarInt(batch.length + 1)
          .append(batch)
      })
    })
    .appendTaggedFields()
  // null string, acks, timeout, 1 topic "t", 1 partition 2 with 2 bytes of records, tagged fields after each entry.
  const expected = Buffer.from('00ffff00007530020274020000000203aabb000000', 'hex')
  assert.deepEqual(request.buffer, expected, changed('Writer', 'writes other bytes'))
})

/** A Produce v9 response for topic "t": partition 0 written at offset 5, partition 1 refused with `errorCode`. */
function produceResponse(errorCode: number): Buffer {
  const partition = (index: number, code: number, baseOffset: bigint) => {
    const bytes = Buffer.alloc(4 + 2 + 8 * 3)
    bytes.writeInt32BE(index, 0)
    bytes.writeInt16BE(code, 4)
    bytes.writeBigInt64BE(baseOffset, 6)
    bytes.writeBigInt64BE(-1n, 14)
    bytes.writeBigInt64BE(0n, 22)
    // No record errors (compact array of 0), no error message (compact null), no tagged fields.
    return Buffer.concat([bytes, Buffer.from([1, 0, 0])])
  }
  return Buffer.concat([
    Buffer.from([2, 2, 0x74, 3]),
    partition(0, 0, 5n),
    partition(1, errorCode, -1n),
    Buffer.from([0, 0, 0, 0, 0, 0]),
  ])
}

test('the Produce v9 parser reads a response, and an error keeps the response that says what was written', async () => {
  const parse = (bytes: Buffer) => internals.produceV9.parseResponse(0, 0, 9, Reader.from(bytes))
  const ok = await parse(produceResponse(0))
  assert.deepEqual(
    ok.responses.map((t) => [t.name, t.partitionResponses.map((p) => [p.index, p.errorCode, p.baseOffset])]),
    [
      [
        't',
        [
          [0, 0, 5n],
          [1, 0, -1n],
        ],
      ],
    ],
    changed('produceV9.parseResponse', 'reads another layout'),
  )
  const notLeader = 6
  await assert.rejects(
    async () => parse(produceResponse(notLeader)),
    (error: { response?: typeof ok }) => {
      const partitions = error.response?.responses[0]?.partitionResponses.map((p) => [p.index, p.errorCode])
      assert.deepEqual(
        partitions,
        [
          [0, 0],
          [1, notLeader],
        ],
        changed('produceV9.parseResponse', 'no longer attaches the response to its error'),
      )
      return true
    },
  )
})

test('createAPI gives a callback API with a promise twin', () => {
  const api = internals.createAPI(0, 9, () => internals.Writer.create(), internals.produceV9.parseResponse)
  assert.equal(typeof api, 'function', changed('createAPI', 'no longer returns a function'))
  assert.equal(typeof api.async, 'function', changed('createAPI', 'no longer gives .async'))
})

test('OffsetCommit v8 sends the generation it is given, and a refused commit is an error naming the reason', async () => {
  const request = internals.offsetCommitV8.createRequest('g', 7, 'm', null, [
    {
      name: 't',
      partitions: [
        { partitionIndex: 2, committedOffset: 5n, committedLeaderEpoch: -1, committedMetadata: null },
      ],
    },
  ])
  // group "g", generation 7, member "m", no instance id, topic "t": partition 2 at offset 5, no epoch, no metadata.
  const expected = Buffer.from('026700000007026d0002027402000000020000000000000005ffffffff00000000', 'hex')
  assert.deepEqual(request.buffer, expected, changed('offsetCommitV8.createRequest', 'writes other bytes'))
  // No throttle, topic "t": partition 2 refused with ILLEGAL_GENERATION (22); tagged fields after each entry.
  const response = Buffer.from('0000000002027402000000020016000000', 'hex')
  await assert.rejects(
    async () => internals.offsetCommitV8.parseResponse(0, 8, 8, Reader.from(response)),
    (error: Error & { findBy?: (key: string, value: unknown) => unknown }) =>
      Boolean(error.findBy?.('apiId', 'ILLEGAL_GENERATION')),
    changed('offsetCommitV8.parseResponse', 'no longer reports a refused commit'),
  )
})
