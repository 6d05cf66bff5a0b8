// The Spark Connect client's public surface. Training and other callers import from here only (or from light.ts,
// its dependency-free part); the client imports nothing from the application (protos folder, expected version,
// remote and options are passed in). The build-time protocol generator (codegen.ts) is not part of it: the
// build tooling imports it directly.

export type { Row } from './arrow.ts'
export type { CallDeadlines, Keepalive } from './client.ts'
export { type Collected, DataFrame } from './dataframe.ts'
export type {
  AnalyzeRequest,
  CallKind,
  ConfigOperation,
  ExecuteResult,
  SparkExecutor,
} from './executor.ts'
export {
  alias,
  cast,
  col,
  double,
  expr,
  fn,
  int,
  type LiteralValue,
  lit,
  long,
  quoteIdentifier,
} from './expressions.ts'
export * from './light.ts'
export { type LoadedOperator, type ModelRef, SparkML } from './ml.ts'
export type { FetchCall, OperatorSpec, ReadableType, WriteModelOptions } from './ml-commands.ts'
export { newUid } from './ml-commands.ts'
export type {
  ColumnInput,
  OutputMode,
  ReadCsvOptions,
  WriteMode,
  WriteOptions,
  WriteStreamOptions,
} from './plan.ts'
export {
  type ExtractResult,
  extractSparkProtos,
  hasSparkProtos,
  SPARK_CONNECT_ARTIFACT,
  sparkConnectJarName,
} from './protos.ts'
export { CONNECT_RETRY_POLICY, type RetryPolicy } from './retry.ts'
export { type SchemaField, type SchemaInput, toDDL } from './schema.ts'
export { type ConnectOptions, SparkSession } from './session.ts'
export {
  type ProgressRates,
  progressRates,
  StreamingQuery,
  type StreamingQueryProgress,
  type StreamingQueryStatus,
} from './streaming.ts'
