// The parts of @platformatic/kafka below its documented clients that this project builds on: the protocol writer,
// the Produce v9 request/response, the CRC and codecs of record batches, the connection pool, the record-batch
// flags the fetch loop reads and the OffsetCommit v8 request the group input sends under a generation of its own
// choosing. They are exported but undocumented, so any release may change them; the version is pinned exactly in
// package.json and test/stream/kafka-internals.test.ts checks each one's shape (README: upgrading the Kafka
// client). Nothing else imports these from the library.
export {
  ConnectionPool,
  compressionsAlgorithms,
  crc32c,
  createAPI,
  IS_CONTROL,
  offsetCommitV8,
  produceV9,
  type RecordsBatch,
  Writer,
} from '@platformatic/kafka'
