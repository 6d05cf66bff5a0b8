// Test helper: builds the google.rpc.Status trailer a Spark Connect server sends, byte for byte.
function varint(value: number): Buffer {
  const bytes: number[] = []
  let rest = value
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80)
    rest = Math.floor(rest / 0x80)
  }
  bytes.push(rest)
  return Buffer.from(bytes)
}
const field = (number: number, bytes: Buffer | string): Buffer => {
  const body = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes, 'utf8')
  return Buffer.concat([varint(number * 8 + 2), varint(body.length), body])
}
const any = (typeUrl: string, value: Buffer) => field(3, Buffer.concat([field(1, typeUrl), field(2, value)]))

export function encodeStatus(
  code: number,
  message: string,
  metadata: Record<string, string>,
  retry = false,
): Buffer {
  const errorInfo = Buffer.concat([
    field(1, 'org.apache.spark.sql.AnalysisException'),
    field(2, 'org.apache.spark'),
    ...Object.entries(metadata).map(([k, v]) => field(3, Buffer.concat([field(1, k), field(2, v)]))),
  ])
  return Buffer.concat([
    varint(1 * 8),
    varint(code),
    field(2, message),
    any('type.googleapis.com/google.rpc.ErrorInfo', errorInfo),
    ...(retry ? [any('type.googleapis.com/google.rpc.RetryInfo', Buffer.alloc(0))] : []),
  ])
}
