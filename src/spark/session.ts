// A Spark Connect session: connects (with retries while the server is unreachable), checks that the
// server speaks the expected protocol, and hands out DataFrames. Every server call goes through one
// SparkExecutor: the gRPC client by default (`SparkSession.connect`), any other with `SparkSession.over`.
import { type CallDeadlines, type Keepalive, SparkConnectClient } from './client.ts'
import { DataFrame } from './dataframe.ts'
import { isSparkConnectError, SparkConnectError } from './errors.ts'
import type { AnalyzeRequest, CallKind, ExecuteResult, SparkExecutor } from './executor.ts'
import { SparkML } from './ml.ts'
import * as plan from './plan.ts'
import type {
  AnalyzePlanResponse__Output,
  DataType__Output,
  KeyValue,
  MlCommandResult__Output,
  Plan,
  Relation,
} from './protocol.ts'
import { CONNECT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry.ts'
import { activeStreamingQueries, type StreamingQuery } from './streaming.ts'

export interface ConnectOptions {
  /** Folder holding spark/connect/*.proto of the server's version (see `extractSparkProtos`). */
  protosDir: string
  /** The Spark version whose protocol the protos describe; a server of another major.minor is refused. */
  expectedVersion?: string
  userId?: string
  /** Reuse a server-side session (a UUID); a fresh one by default. */
  sessionId?: string
  /** How long to keep trying while the server is unreachable. */
  retry?: RetryPolicy
  /** PEM of the CA that signed a TLS endpoint's certificate; the system's CAs by default. */
  caCertificate?: Buffer
  /** Deadline per call kind; none by default. */
  deadlines?: CallDeadlines
  /** gRPC keepalive; none by default. */
  keepalive?: Keepalive
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.')
}

export class SparkSession {
  readonly executor: SparkExecutor
  /** The server's Spark version, e.g. `4.2.0`. */
  readonly version: string
  readonly ml: SparkML

  private constructor(executor: SparkExecutor, version: string) {
    this.executor = executor
    this.version = version
    this.ml = new SparkML(this)
  }

  /** A session whose server calls go through `executor` (a recorded one in tests). */
  static over(executor: SparkExecutor, version: string): SparkSession {
    return new SparkSession(executor, version)
  }

  static async connect(remote: string, options: ConnectOptions): Promise<SparkSession> {
    const client = new SparkConnectClient(remote, {
      protosDir: options.protosDir,
      userId: options.userId,
      sessionId: options.sessionId,
      caCertificate: options.caCertificate,
      deadlines: options.deadlines,
      keepalive: options.keepalive,
    })
    let version: string
    try {
      const response = await withRetry(
        () => client.analyze({ spark_version: {} }),
        options.retry ?? CONNECT_RETRY_POLICY,
        // A stalled server (TIMEOUT) may be a busy one: worth the same patience as one still starting.
        (error) => isSparkConnectError(error, 'UNAVAILABLE') || isSparkConnectError(error, 'TIMEOUT'),
      )
      version = response.spark_version?.version ?? 'unknown'
    } catch (error) {
      client.disconnect()
      throw error
    }
    const expected = options.expectedVersion
    if (expected && majorMinor(version) !== majorMinor(expected)) {
      await client.release()
      throw new SparkConnectError(
        'VERSION_MISMATCH',
        `The Spark Connect server at ${client.target} runs Spark ${version}; this client speaks the protocol of Spark ${expected}`,
        { hint: `connect to a Spark ${majorMinor(expected)}.x server` },
      )
    }
    return new SparkSession(client, version)
  }

  dataFrame(relation: Relation): DataFrame {
    return new DataFrame(this, relation)
  }

  sql(query: string): DataFrame {
    return this.dataFrame(plan.sql(query))
  }

  table(name: string): DataFrame {
    return this.dataFrame(plan.table(name))
  }

  readCsv(paths: string | string[], options: plan.ReadCsvOptions): DataFrame {
    return this.dataFrame(plan.readCsv(paths, options))
  }

  /** An unbounded DataFrame over a streaming source, e.g. `readStream('kafka', { subscribe: 'topic', … })`. */
  readStream(format: string, options: Record<string, string>): DataFrame {
    return this.dataFrame(plan.readStream(format, options))
  }

  /** The streaming queries running in this session. */
  activeStreams(): Promise<StreamingQuery[]> {
    return activeStreamingQueries(this)
  }

  execute(request: Plan, kind?: CallKind): Promise<ExecuteResult> {
    return this.executor.execute(request, kind)
  }

  /** Runs an ML command and returns its result (every ML command answers with one). */
  async executeMl(request: Plan): Promise<MlCommandResult__Output> {
    const { mlCommandResult } = await this.execute(request)
    if (!mlCommandResult)
      throw new SparkConnectError('SERVER_ERROR', 'The server sent no result for an ML command')
    return mlCommandResult
  }

  async schemaOf(relation: Relation): Promise<DataType__Output> {
    const response = await this.executor.analyze({ schema: { plan: plan.relationPlan(relation) } })
    const schema = response.schema?.schema
    if (!schema) throw new SparkConnectError('SERVER_ERROR', 'The server sent no schema')
    return schema
  }

  /** Sets session configs; returns the server's warnings (deprecated or unknown keys). */
  async setConf(values: Record<string, string>): Promise<string[]> {
    const pairs: KeyValue[] = Object.entries(values).map(([key, value]) => ({ key, value }))
    const response = await this.executor.config({ set: { pairs } })
    return response.warnings ?? []
  }

  async getConf(keys: string[]): Promise<Record<string, string | undefined>> {
    const response = await this.executor.config({ get: { keys } })
    return Object.fromEntries((response.pairs ?? []).map((pair) => [pair.key, pair.value]))
  }

  /** Asks the server about a plan without running it (schema, persistence, storage level…). */
  analyze(request: AnalyzeRequest): Promise<AnalyzePlanResponse__Output> {
    return this.executor.analyze(request)
  }

  /** Closes the connection but leaves the server-side session (and its streaming queries) running. */
  detach(): void {
    this.executor.disconnect()
  }

  /** Releases the server-side session: its temp views and cached ML models are dropped. */
  close(): Promise<void> {
    return this.executor.release()
  }
}
