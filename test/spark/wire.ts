// The real protocol in tests: messages go through the serializers grpc-js uses on the wire, built from the
// pinned jar's protos, so a builder that sets a field the protocol lacks (or of the wrong shape) is caught.
import { loadConfig } from '../../src/config.ts'
import { ensureSparkProtos } from '../../src/engines/spark-connect.ts'
import type { Literal, Literal__Output, Plan } from '../../src/spark/protocol.ts'
import { loadSparkConnectService } from '../../src/spark/protos.ts'

interface Codec {
  requestSerialize: (value: object) => Buffer
  requestDeserialize: (bytes: Buffer) => Record<string, unknown>
  responseSerialize: (value: object) => Buffer
  responseDeserialize: (bytes: Buffer) => Record<string, unknown>
}

const service = loadSparkConnectService(await ensureSparkProtos(loadConfig().engines.cacheDir))
const executePlan = service.service.ExecutePlan as unknown as Codec

/** A plan as the server receives it: encoded in an ExecutePlanRequest, then decoded. */
export function planOnTheWire(plan: Plan): unknown {
  const bytes = executePlan.requestSerialize({ session_id: 's', plan })
  return executePlan.requestDeserialize(bytes).plan
}

/** A literal sent by the server (e.g. an ML fetch result): encoded in an ExecutePlanResponse, then decoded. */
export function literalOnTheWire(literal: Literal): Literal__Output {
  const bytes = executePlan.responseSerialize({ ml_command_result: { param: literal } })
  const decoded = executePlan.responseDeserialize(bytes) as {
    ml_command_result?: { param?: Literal__Output }
  }
  return decoded.ml_command_result?.param ?? {}
}
