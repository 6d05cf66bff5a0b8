// A Spark Connect session: connects (with retries while the server is unreachable), checks that the
// server speaks the pinned protocol, and hands out DataFrames. The only entry point the rest of the
// project needs: `const spark = await SparkSession.connect(config.spark.remote)`.
import { loadConfig } from '../config.ts'
import { SPARK } from '../engines/manifest.ts'
import { isTrafficError, TrafficError } from '../errors.ts'
import { type ExecuteResult, SparkConnectClient } from './client.ts'
import { DataFrame } from './dataframe.ts'
import { SparkML } from './ml.ts'
import * as plan from './plan.ts'
import { ensureSparkProtos } from './protos.ts'
import { CONNECT_RETRY_POLICY, type RetryPolicy, withRetry } from './retry.ts'
import { activeStreamingQueries, type StreamingQuery } from './streaming.ts'
import type { DataType, MlCommandResult, Plan, Relation } from './types.ts'

export interface ConnectOptions {
  userId?: string
  /** Reuse a server-side session (a UUID); a fresh one by default. */
  sessionId?: string
  /** Folder with the pinned protos; by default the engines cache (extracted from the jar if needed). */
  protosDir?: string
  /** How long to keep trying while the server is unreachable. */
  retry?: RetryPolicy
  /** CA of a TLS endpoint; SPARK_SSL_CA_FILE by default. */
  caFile?: string
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.')
}

export class SparkSession {
  readonly client: SparkConnectClient
  /** The server's Spark version, e.g. `4.2.0`. */
  readonly version: string
  readonly ml: SparkML

  private constructor(client: SparkConnectClient, version: string) {
    this.client = client
    this.version = version
    this.ml = new SparkML(this)
  }

  static async connect(remote: string, options: ConnectOptions = {}): Promise<SparkSession> {
    const protosDir = options.protosDir ?? ensureSparkProtos(loadConfig().engines.cacheDir)
    const client = new SparkConnectClient(remote, {
      protosDir,
      userId: options.userId,
      sessionId: options.sessionId,
      caFile: options.caFile ?? loadConfig().spark.caFile,
    })
    let version: string
    try {
      const response = await withRetry(
        () => client.analyze({ spark_version: {} }),
        options.retry ?? CONNECT_RETRY_POLICY,
        (error) => isTrafficError(error, 'SPARK_UNAVAILABLE'),
      )
      version = response.spark_version?.version ?? 'unknown'
    } catch (error) {
      client.closeChannel()
      throw error
    }
    if (majorMinor(version) !== majorMinor(SPARK.version)) {
      await client.close()
      throw new TrafficError(
        'SPARK_ERROR',
        `The Spark Connect server at ${client.remote.target} runs Spark ${version}; this client speaks the protocol of Spark ${SPARK.version}`,
        {
          hint: `point SPARK_REMOTE at a Spark ${majorMinor(SPARK.version)}.x server, or unset it to use the local one`,
        },
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

  execute(request: Plan): Promise<ExecuteResult> {
    return this.client.execute(request)
  }

  /** Runs an ML command and returns its result (every ML command answers with one). */
  async executeMl(request: Plan): Promise<MlCommandResult> {
    const { mlCommandResult } = await this.execute(request)
    if (!mlCommandResult) throw new TrafficError('SPARK_ERROR', 'The server sent no result for an ML command')
    return mlCommandResult
  }

  async schemaOf(relation: Relation): Promise<DataType> {
    const response = await this.client.analyze({ schema: { plan: plan.relationPlan(relation) } })
    if (!response.schema) throw new TrafficError('SPARK_ERROR', 'The server sent no schema')
    return response.schema.schema
  }

  /** Sets session configs; returns the server's warnings (deprecated or unknown keys). */
  setConf(values: Record<string, string>): Promise<string[]> {
    return this.client.setConfig(values)
  }

  getConf(keys: string[]): Promise<Record<string, string | undefined>> {
    return this.client.getConfig(keys)
  }

  /** Closes the connection but leaves the server-side session (and its streaming queries) running. */
  detach(): void {
    this.client.closeChannel()
  }

  /** Releases the server-side session: its temp views and cached ML models are dropped. */
  close(): Promise<void> {
    return this.client.close()
  }
}
