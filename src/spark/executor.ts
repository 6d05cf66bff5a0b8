// The one seam between the client's API (session, DataFrame, ML, streaming) and the server: every server
// call goes through a SparkExecutor. The gRPC client is the real one; tests drive the API with recorded answers.
import type {
  AnalyzePlanResponse,
  ConfigResponse,
  DataType,
  ExecutePlanResponse,
  MlCommandResult,
  Plan,
} from './types.ts'

export interface ExecuteResult {
  /** Arrow IPC streams, one per ArrowBatch response, in order. */
  arrowBatches: Buffer[]
  /** The Spark schema of a collected relation. */
  schema?: DataType
  mlCommandResult?: MlCommandResult
  /** Answers of the streaming commands (start a query, ask a query, ask the query manager). */
  writeStreamResult?: ExecutePlanResponse['write_stream_operation_start_result']
  streamingQueryResult?: ExecutePlanResponse['streaming_query_command_result']
  streamingQueryManagerResult?: ExecutePlanResponse['streaming_query_manager_command_result']
  /** True when the server sent ResultComplete (only reattachable executions do). */
  resultComplete: boolean
}

/** One field of AnalyzePlanRequest's `analyze` oneof, e.g. `{ schema: { plan } }`. */
export type AnalyzeRequest = Record<string, unknown>
/** One field of ConfigRequest.Operation's `op_type` oneof, e.g. `{ get: { keys } }`. */
export type ConfigOperation = Record<string, unknown>

export interface SparkExecutor {
  /** `host:port` of the server, for messages. */
  readonly target: string
  /** Runs a relation or a command (ML commands included) and gathers its whole answer. */
  execute(plan: Plan): Promise<ExecuteResult>
  analyze(request: AnalyzeRequest): Promise<AnalyzePlanResponse>
  config(operation: ConfigOperation): Promise<ConfigResponse>
  /** Drops the server-side session (temp views, cached ML models) and disconnects. */
  release(): Promise<void>
  /** Disconnects, leaving the server-side session (and its streaming queries) running. */
  disconnect(): void
}
