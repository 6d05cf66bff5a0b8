// The Spark Connect message types the client uses, under short names. They are generated from the protos of
// the pinned jar (`traffic engines protocol`, run before every typecheck), never written by hand: a field the
// server's protocol lacks fails the typecheck. Plain names are what the client sends (proto-loader input
// objects); `__Output` names are what it receives (keepCase, int64 as decimal strings, enums as names,
// oneofs named by a `kind`-like field).
import type {
  _spark_connect_DataType_StructField__Output,
  DataType,
  DataType__Output,
} from './generated/spark/connect/DataType.ts'
import type { ExecutePlanRequest } from './generated/spark/connect/ExecutePlanRequest.ts'
import type {
  _spark_connect_Expression_Literal,
  _spark_connect_Expression_Literal__Output,
} from './generated/spark/connect/Expression.ts'
import type { _spark_connect_Fetch_Method } from './generated/spark/connect/Fetch.ts'
import type { _spark_connect_MlCommandResult_MlOperatorInfo__Output } from './generated/spark/connect/MlCommandResult.ts'
import type { _spark_connect_MlOperator_OperatorType } from './generated/spark/connect/MlOperator.ts'
import type { _spark_connect_WriteOperation_SaveMode } from './generated/spark/connect/WriteOperation.ts'

export type { ErrorInfo__Output } from './generated/google/rpc/ErrorInfo.ts'
export type { Status__Output } from './generated/google/rpc/Status.ts'
export type { AnalyzePlanResponse__Output } from './generated/spark/connect/AnalyzePlanResponse.ts'
export type { Command } from './generated/spark/connect/Command.ts'
export type { ConfigResponse__Output } from './generated/spark/connect/ConfigResponse.ts'
export type { ExecutePlanResponse__Output } from './generated/spark/connect/ExecutePlanResponse.ts'
export type { Expression } from './generated/spark/connect/Expression.ts'
export type { KeyValue } from './generated/spark/connect/KeyValue.ts'
export type { MlCommand } from './generated/spark/connect/MlCommand.ts'
export type { MlCommandResult__Output } from './generated/spark/connect/MlCommandResult.ts'
export type { MlOperator } from './generated/spark/connect/MlOperator.ts'
export type { MlParams } from './generated/spark/connect/MlParams.ts'
export type { ObjectRef } from './generated/spark/connect/ObjectRef.ts'
export type { Plan } from './generated/spark/connect/Plan.ts'
export type { Relation } from './generated/spark/connect/Relation.ts'
export type { StorageLevel__Output } from './generated/spark/connect/StorageLevel.ts'
export type { StreamingQueryCommand } from './generated/spark/connect/StreamingQueryCommand.ts'
export type { StreamingQueryCommandResult__Output } from './generated/spark/connect/StreamingQueryCommandResult.ts'
export type { StreamingQueryInstanceId } from './generated/spark/connect/StreamingQueryInstanceId.ts'
export type { DataType, DataType__Output }

export type Literal = _spark_connect_Expression_Literal
export type Literal__Output = _spark_connect_Expression_Literal__Output
export type StructField__Output = _spark_connect_DataType_StructField__Output
export type FetchMethod = _spark_connect_Fetch_Method
export type MlOperatorInfo__Output = _spark_connect_MlCommandResult_MlOperatorInfo__Output
export type OperatorType = _spark_connect_MlOperator_OperatorType
export type SaveMode = _spark_connect_WriteOperation_SaveMode

/** How the client passes int64 values: a number where it is exact, else a decimal string. */
export type Int64 = number | string

/** The fields every request to a session carries. */
export type SessionFields = Pick<
  ExecutePlanRequest,
  'session_id' | 'user_context' | 'client_type' | 'client_observed_server_side_session_id'
>
