// The real protocol in tests: messages are checked against, encoded and decoded with the pinned jar's protos
// (protobufjs, as grpc-js does on the wire, with the runtime loader's options), so a builder that sets a field
// the protocol lacks, or a value of the wrong type, fails a test instead of being dropped silently.
import assert from 'node:assert/strict'
import path from 'node:path'
import protobuf from 'protobufjs'
import { loadConfig } from '../../src/config.ts'
import { prepareSparkProtocol } from '../../src/engines/fetch.ts'
import type { Literal, Literal__Output } from '../../src/spark/protocol.ts'
import { ENTRY_PROTOS } from '../../src/spark/protos.ts'

/** The pinned protos (extracted, with the connect jar fetched alone, when a unit run comes first). */
export const { protosDir } = await prepareSparkProtocol(loadConfig().engines.cacheDir)
export const protocol = new protobuf.Root()
protocol.resolvePath = (_origin, target) => path.join(protosDir, target)
protocol.loadSync(ENTRY_PROTOS, { keepCase: true })
protocol.resolveAll()

/** As PROTO_LOADER_OPTIONS (src/spark/protos.ts) read messages. */
const AS_LOADED: protobuf.IConversionOptions = { longs: String, enums: String, defaults: false, oneofs: true }

/** Every key of `message` is a field of `type` and every enum value one of its names, recursively. */
function assertConforms(type: protobuf.Type, message: Record<string, unknown>, where: string): void {
  for (const [key, value] of Object.entries(message)) {
    const field = type.fields[key]
    assert.ok(field, `${where}.${key}: ${type.fullName} has no field ${key}`)
    const nested = field.resolvedType
    if (nested instanceof protobuf.Enum) {
      assert.ok(
        typeof value === 'string' && value in nested.values,
        `${where}.${key}: ${value} is no ${nested.name}`,
      )
    }
    if (!(nested instanceof protobuf.Type) || value === null || value === undefined) continue
    const items = field.map ? Object.values(value) : field.repeated ? (value as unknown[]) : [value]
    for (const item of items) assertConforms(nested, item as Record<string, unknown>, `${where}.${key}`)
  }
}

/** Comparable form: numbers as decimal strings, defaults, empties and oneof markers (`rel_type: 'sql'`) left out. */
function canonical(value: unknown): unknown {
  if (typeof value === 'number' || typeof value === 'bigint') return value === 0 ? undefined : String(value)
  if (value === false || value === '' || value === '0' || value === null) return undefined
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64')
  if (Array.isArray(value)) {
    const items = value.map(canonical)
    return items.length ? items : undefined
  }
  if (typeof value !== 'object') return value
  const object = value as Record<string, unknown>
  const entries = Object.entries(object)
    .filter(([key, item]) => !(typeof item === 'string' && item !== key && item in object))
    .map(([key, item]) => [key, canonical(item)] as const)
    .filter(([, item]) => item !== undefined)
  // An empty message and an empty map look alike here; assertConforms has checked the key's name already.
  return entries.length ? Object.fromEntries(entries) : undefined
}

/**
 * Encodes `message` as `typeName`, decodes it back as the client would, and checks nothing was lost (a value of
 * the wrong type does not survive the encoding).
 */
export function assertOnTheWire<T>(typeName: string, message: object): T {
  const type = protocol.lookupType(typeName)
  assertConforms(type, message as Record<string, unknown>, typeName)
  const decoded = type.toObject(type.decode(type.encode(type.fromObject(message)).finish()), AS_LOADED)
  assert.deepEqual(canonical(decoded), canonical(message), `${typeName} survives the wire`)
  return decoded as T
}

/** A literal sent by the server (e.g. an ML fetch result), as the client decodes it. */
export function literalOnTheWire(literal: Literal): Literal__Output {
  return assertOnTheWire('spark.connect.Expression.Literal', literal)
}
