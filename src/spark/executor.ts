// The one seam between the client's API (session, DataFrame, ML, streaming) and the server: every server
// call goes through a SparkExecutor. The gRPC client is the real one; tests drive the API with recorded answers.
import type {
  AnalyzePlanResponse__Output,
  ConfigResponse__Output,
  DataType__Output,
  ExecutePlanResponse__Output,
  MlCommandResult__Output,
  Plan,
} from './protocol.ts'

export interface ExecuteResult {
  /** Arrow IPC streams, one per ArrowBatch response, in order. */
  arrowBatches: Buffer[]
  /** The Spark schema of a collected relation. */
  schema?: DataType__Output
  mlCommandResult?: MlCommandResult__Output
  /** Answers of the streaming commands (start a query, ask a query, ask the query manager). */
  writeStreamResult?: ExecutePlanResponse__Output['write_stream_operation_start_result']
  streamingQueryResult?: ExecutePlanResponse__Output['streaming_query_command_result']
  streamingQueryManagerResult?: ExecutePlanResponse__Output['streaming_query_manager_command_result']
  /** True when the server sent ResultComplete (only reattachable executions do). */
  resultComplete: boolean
}

/** One field of AnalyzePlanRequest's `analyze` oneof, e.g. `{ schema: { plan } }`. */
export type AnalyzeRequest = Record<string, unknown>
/** One field of ConfigRequest.Operation's `op_type` oneof, e.g. `{ get: { keys } }`. */
export type ConfigOperation = Record<string, unknown>

/**
 * What a call waits for, and so how long it may take: `control` asks the server about its state (version,
 * schema, config, a streaming query's status or progress, stopping a query) and answers at once; `work` runs a
 * job (training, writing, collecting) and may take as long as the job.
 */
export type CallKind = 'control' | 'work'

export interface SparkExecutor {
  /** `host:port` of the server, for messages. */
  readonly target: string
  /** Runs a relation or a command (ML commands included) and gathers its whole answer; `work` by default. */
  execute(plan: Plan, kind?: CallKind): Promise<ExecuteResult>
  analyze(request: AnalyzeRequest): Promise<AnalyzePlanResponse__Output>
  config(operation: ConfigOperation): Promise<ConfigResponse__Output>
  /** Drops the server-side session (temp views, cached ML models) and disconnects. */
  release(): Promise<void>
  /** Disconnects, leaving the server-side session (and its streaming queries) running. */
  disconnect(): void
}
