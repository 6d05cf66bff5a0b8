// The Spark Connect client's public surface. Training and other callers import from here only; the client
// imports nothing from the application (protos folder, expected version, remote and options are passed in).

export type { Row } from './arrow.ts'
export type { CallDeadlines, Keepalive } from './client.ts'
export { generateProtocolTypes } from './codegen.ts'
export { type Collected, DataFrame } from './dataframe.ts'
export {
  isSparkConnectError,
  SparkConnectError,
  type SparkConnectErrorCode,
  type SparkErrorDetails,
} from './errors.ts'
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
export { type LoadedOperator, type ModelRef, SparkML } from './ml.ts'
export type { FetchCall, OperatorSpec, ReadableType, WriteModelOptions } from './ml-commands.ts'
export { newUid } from './ml-commands.ts'
export {
  denseVector,
  type MlMatrix,
  type MlParamValues,
  type MlVector,
  type ParamValue,
  sparseVector,
  toDense,
} from './ml-values.ts'
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
export { parseSparkRemote, redactSparkRemote, type SparkRemote } from './remote.ts'
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
