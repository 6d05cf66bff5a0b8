// TypeScript shapes of the Spark Connect messages this client sends and reads (a subset of the pinned
// spark/connect/*.proto). Field names keep the proto's snake_case because the protos are loaded with
// keepCase; a oneof is modelled as optional fields of which the builders set exactly one. int64 fields
// are sent as number or decimal string and arrive as strings (proto-loader `longs: String`).

export type Int64 = number | string

export interface DataType {
  null?: Record<string, never>
  boolean?: Record<string, never>
  byte?: Record<string, never>
  short?: Record<string, never>
  integer?: Record<string, never>
  long?: Record<string, never>
  float?: Record<string, never>
  double?: Record<string, never>
  string?: { collation?: string }
  date?: Record<string, never>
  timestamp?: Record<string, never>
  decimal?: { scale?: number; precision?: number }
  array?: { element_type: DataType; contains_null?: boolean }
  struct?: { fields: StructFieldProto[] }
  map?: { key_type: DataType; value_type: DataType; value_contains_null?: boolean }
  udt?: { type: string; jvm_class?: string; python_class?: string; sql_type?: DataType }
  /** Set by the decoder (oneofs: true): the name of the field that is set. */
  kind?: string
}

export interface StructFieldProto {
  name: string
  data_type: DataType
  nullable?: boolean
  /** JSON; for ML columns it holds `ml_attr` (feature names of an assembled vector). */
  metadata?: string
}

export interface Literal {
  null?: DataType
  boolean?: boolean
  byte?: number
  short?: number
  integer?: number
  long?: Int64
  float?: number
  double?: number
  string?: string
  array?: { elements: Literal[] }
  struct?: { struct_type?: DataType; elements: Literal[] }
  decimal?: { value: string; precision?: number; scale?: number }
  specialized_array?: { ints?: { values: number[] }; doubles?: { values: number[] } }
  data_type?: DataType
  literal_type?: string
}

export interface Expression {
  literal?: Literal
  unresolved_attribute?: { unparsed_identifier: string }
  unresolved_function?: { function_name: string; arguments: Expression[]; is_distinct?: boolean }
  expression_string?: { expression: string }
  unresolved_star?: Record<string, never>
  alias?: { expr: Expression; name: string[] }
  cast?: { expr: Expression; type_str: string }
}

export interface ObjectRef {
  id: string
}

export type OperatorType =
  | 'OPERATOR_TYPE_ESTIMATOR'
  | 'OPERATOR_TYPE_TRANSFORMER'
  | 'OPERATOR_TYPE_EVALUATOR'
  | 'OPERATOR_TYPE_MODEL'

export interface MlOperator {
  name: string
  uid: string
  type: OperatorType
}

export interface MlParams {
  params: Record<string, Literal>
}

export interface FetchMethod {
  method: string
  args?: { param?: Literal; input?: Relation }[]
}

export interface MlRelation {
  transform?: { obj_ref?: ObjectRef; transformer?: MlOperator; input: Relation; params: MlParams }
  fetch?: { obj_ref: ObjectRef; methods: FetchMethod[] }
}

export interface Relation {
  read?: {
    data_source?: { format: string; schema?: string; options?: Record<string, string>; paths: string[] }
    named_table?: { unparsed_identifier: string }
    is_streaming?: boolean
  }
  with_watermark?: { input: Relation; event_time: string; delay_threshold: string }
  collect_metrics?: { input: Relation; name: string; metrics: Expression[] }
  project?: { input: Relation; expressions: Expression[] }
  filter?: { input: Relation; condition: Expression }
  limit?: { input: Relation; limit: number }
  aggregate?: {
    input: Relation
    group_type: 'GROUP_TYPE_GROUPBY'
    grouping_expressions: Expression[]
    aggregate_expressions: Expression[]
  }
  sql?: { query: string }
  sample?: {
    input: Relation
    lower_bound: number
    upper_bound: number
    with_replacement?: boolean
    seed?: Int64
    deterministic_order?: boolean
  }
  with_columns?: { input: Relation; aliases: { expr: Expression; name: string[] }[] }
  ml_relation?: MlRelation
}

export type SaveMode =
  | 'SAVE_MODE_APPEND'
  | 'SAVE_MODE_OVERWRITE'
  | 'SAVE_MODE_ERROR_IF_EXISTS'
  | 'SAVE_MODE_IGNORE'

export interface MlCommand {
  fit?: { estimator: MlOperator; params?: MlParams; dataset: Relation }
  fetch?: { obj_ref: ObjectRef; methods: FetchMethod[] }
  delete?: { obj_refs: ObjectRef[]; evict_only?: boolean }
  write?: {
    obj_ref?: ObjectRef
    operator?: MlOperator
    params?: MlParams
    path: string
    should_overwrite?: boolean
    options?: Record<string, string>
  }
  read?: { operator: MlOperator; path: string }
  evaluate?: { evaluator: MlOperator; params?: MlParams; dataset: Relation }
  clean_cache?: Record<string, never>
}

export interface Command {
  write_operation?: {
    input: Relation
    source: string
    path: string
    mode: SaveMode
    options?: Record<string, string>
  }
  create_dataframe_view?: { input: Relation; name: string; is_global: boolean; replace: boolean }
  ml_command?: MlCommand
  write_stream_operation_start?: WriteStreamOperationStart
  streaming_query_command?: StreamingQueryCommand
  streaming_query_manager_command?: StreamingQueryManagerCommand
}

export interface WriteStreamOperationStart {
  input: Relation
  format: string
  options: Record<string, string>
  processing_time_interval?: string
  output_mode: string
  query_name: string
}

/** `id` survives restarts from the checkpoint; `run_id` is new on every start. */
export interface StreamingQueryInstanceId {
  id: string
  run_id: string
}

export interface StreamingQueryCommand {
  query_id: StreamingQueryInstanceId
  status?: boolean
  last_progress?: boolean
  recent_progress?: boolean
  stop?: boolean
  process_all_available?: boolean
  exception?: boolean
}

export interface StreamingQueryManagerCommand {
  active?: boolean
}

export interface StreamingQueryCommandResult {
  query_id?: StreamingQueryInstanceId
  status?: {
    status_message?: string
    is_data_available?: boolean
    is_trigger_active?: boolean
    is_active?: boolean
  }
  recent_progress?: { recent_progress_json?: string[] }
  exception?: { exception_message?: string; error_class?: string }
}

export interface StreamingQueryManagerCommandResult {
  active?: { active_queries?: { id: StreamingQueryInstanceId; name?: string }[] }
}

export interface Plan {
  root?: Relation
  command?: Command
}

export interface UserContext {
  user_id: string
  user_name?: string
}

/** Fields every request to a session carries. */
export interface SessionFields {
  session_id: string
  user_context: UserContext
  client_type: string
  client_observed_server_side_session_id?: string
}

export interface MlOperatorInfo {
  obj_ref?: ObjectRef
  name?: string
  uid?: string
  params?: MlParams
  warning_message?: string
}

export interface MlCommandResult {
  param?: Literal
  summary?: string
  operator_info?: MlOperatorInfo
  result_type?: string
}

export interface ExecutePlanResponse {
  server_side_session_id?: string
  operation_id?: string
  response_type?: string
  arrow_batch?: { row_count: string; data: Buffer; num_chunks_in_batch?: string }
  ml_command_result?: MlCommandResult
  result_complete?: Record<string, never>
  schema?: DataType
  write_stream_operation_start_result?: { query_id: StreamingQueryInstanceId; name?: string }
  streaming_query_command_result?: StreamingQueryCommandResult
  streaming_query_manager_command_result?: StreamingQueryManagerCommandResult
}

export interface StorageLevel {
  use_disk?: boolean
  use_memory?: boolean
  use_off_heap?: boolean
  deserialized?: boolean
  replication?: number
}

export interface AnalyzePlanResponse {
  server_side_session_id?: string
  schema?: { schema: DataType }
  spark_version?: { version: string }
  get_storage_level?: { storage_level: StorageLevel }
}

export interface KeyValue {
  key: string
  value?: string
}

export interface ConfigResponse {
  server_side_session_id?: string
  pairs?: KeyValue[]
  warnings?: string[]
}
