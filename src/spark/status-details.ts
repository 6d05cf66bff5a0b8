// Reads the `grpc-status-details-bin` trailer (a google.rpc.Status) where Spark Connect puts a
// google.rpc.ErrorInfo with the error class, SQLSTATE and exception classes. Only three tiny messages
// are needed, so a minimal protobuf wire reader is used instead of loading google/rpc protos.

export interface ErrorInfo {
  reason: string
  domain: string
  metadata: Record<string, string>
}

export interface StatusDetails {
  code: number
  message: string
  errorInfo?: ErrorInfo
  /** The server attached a google.rpc.RetryInfo: the request is safe to send again. */
  retryable: boolean
}

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo'
const RETRY_INFO = 'type.googleapis.com/google.rpc.RetryInfo'

type Field = { number: number; varint?: number; bytes?: Buffer }

function readVarint(buffer: Buffer, offset: number): [value: number, next: number] {
  let value = 0
  let shift = 0
  let position = offset
  for (;;) {
    const byte = buffer[position++]
    if (byte === undefined) throw new Error('truncated varint')
    value += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) return [value, position]
    shift += 7
  }
}

/** The top-level fields of one protobuf message, in wire order. */
function readFields(buffer: Buffer): Field[] {
  const fields: Field[] = []
  let offset = 0
  while (offset < buffer.length) {
    const [key, afterKey] = readVarint(buffer, offset)
    const number = Math.floor(key / 8)
    const wireType = key % 8
    if (wireType === 0) {
      const [varint, next] = readVarint(buffer, afterKey)
      fields.push({ number, varint })
      offset = next
    } else if (wireType === 2) {
      const [length, start] = readVarint(buffer, afterKey)
      fields.push({ number, bytes: buffer.subarray(start, start + length) })
      offset = start + length
    } else if (wireType === 1 || wireType === 5) {
      offset = afterKey + (wireType === 1 ? 8 : 4)
    } else {
      throw new Error(`unsupported wire type ${wireType}`)
    }
  }
  return fields
}

function text(field: Field): string {
  return field.bytes?.toString('utf8') ?? ''
}

function decodeErrorInfo(buffer: Buffer): ErrorInfo {
  const info: ErrorInfo = { reason: '', domain: '', metadata: {} }
  for (const field of readFields(buffer)) {
    if (field.number === 1) info.reason = text(field)
    else if (field.number === 2) info.domain = text(field)
    else if (field.number === 3 && field.bytes) {
      const entry = readFields(field.bytes)
      const key = entry.find((f) => f.number === 1)
      const value = entry.find((f) => f.number === 2)
      if (key) info.metadata[text(key)] = value ? text(value) : ''
    }
  }
  return info
}

export function decodeStatusDetails(buffer: Buffer): StatusDetails {
  const status: StatusDetails = { code: 0, message: '', retryable: false }
  for (const field of readFields(buffer)) {
    if (field.number === 1) status.code = field.varint ?? 0
    else if (field.number === 2) status.message = text(field)
    else if (field.number === 3 && field.bytes) {
      const any = readFields(field.bytes)
      const typeUrl = text(any.find((f) => f.number === 1) ?? { number: 1 })
      const value = any.find((f) => f.number === 2)?.bytes ?? Buffer.alloc(0)
      if (typeUrl === ERROR_INFO) status.errorInfo = decodeErrorInfo(value)
      else if (typeUrl === RETRY_INFO) status.retryable = true
    }
  }
  return status
}
