// The client's dependency-free surface: its error class, the connection string, Spark ML's stored vectors.
// Importing it loads no gRPC, protobuf, Arrow or zip code, so the configuration and the API's model reader come
// here; everything else imports index.ts, which re-exports all of this.
export {
  isSparkConnectError,
  SparkConnectError,
  type SparkConnectErrorCode,
  type SparkErrorDetails,
} from './errors.ts'
export { hasGlobCharacters, literalHadoopPath } from './hadoop-path.ts'
export {
  denseVector,
  fromStoredVector,
  type MlMatrix,
  type MlParamValues,
  type MlVector,
  type ParamValue,
  sparseVector,
  toDense,
} from './ml-values.ts'
export { parseSparkRemote, redactSparkRemote, type SparkRemote } from './remote.ts'
