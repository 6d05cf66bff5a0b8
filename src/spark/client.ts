// The gRPC executor: one client per Spark Connect session, four RPCs (ExecutePlan, AnalyzePlan, Config,
// ReleaseSession), every failure translated by toSparkError. Plans come from plan.ts; this file does not
// know what they mean.
//
// Executions are NOT reattachable (no ReattachOptions sent). The server then keeps one stream open for
// the whole operation, releases it by itself when the stream ends, and sends no ResultComplete; a
// reattachable execution would instead be cut every `senderMaxStreamDuration` (2 min by default), which
// long ML fits exceed, and would need ReattachExecute/ReleaseExecute bookkeeping. The cost: a connection
// lost mid-operation fails it (SPARK_UNAVAILABLE, canRetry) instead of resuming.
import { randomUUID } from 'node:crypto'
import * as grpc from '@grpc/grpc-js'
import { SparkConnectError } from './errors.ts'
import type { AnalyzeRequest, CallKind, ConfigOperation, ExecuteResult, SparkExecutor } from './executor.ts'
import { toSparkError } from './grpc-errors.ts'
import type {
  AnalyzePlanResponse__Output,
  ConfigResponse__Output,
  ExecutePlanResponse__Output,
  Plan,
  SessionFields,
} from './protocol.ts'
import { loadSparkConnectService } from './protos.ts'
import { parseSparkRemote, type SparkRemote } from './remote.ts'
import { type StatusDecoder, statusDecoder } from './status-details.ts'

export const CLIENT_TYPE = 'urban-traffic/typescript'
/** Spark sends Arrow batches up to ~4 MiB and allows 128 MiB messages; grpc-js defaults to 4 MiB. */
const MAX_MESSAGE_BYTES = 128 * 1024 * 1024

export interface SparkClientOptions {
  /** Folder holding spark/connect/*.proto of the pinned version. */
  protosDir: string
  userId?: string
  sessionId?: string
  /** PEM of the CA that signed the server's certificate (with TLS); the system's CAs when absent. */
  caCertificate?: Buffer
  /** How long each kind of call may take before it fails with TIMEOUT; no limit when absent. */
  deadlines?: CallDeadlines
  /** gRPC keepalive pings, so a peer that vanished without closing the socket fails the open calls. */
  keepalive?: Keepalive
}

/** Milliseconds per call kind (executor.ts); a kind without a value has no deadline. */
export type CallDeadlines = Partial<Record<CallKind, number>>

export interface Keepalive {
  /**
   * Time between pings while calls are open. A grpc-java server (Spark Connect's Netty server) answers pings
   * more frequent than its permitKeepAliveTime — 5 minutes unless the server sets it — with GOAWAY
   * (too_many_pings), which would cut a long training; no pings are sent while no call is open.
   */
  timeMs: number
  /** How long a ping may go unanswered before the connection is taken for dead. */
  timeoutMs: number
}

type UnaryCall<T> = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<T>,
) => void

interface ConnectStub extends grpc.Client {
  ExecutePlan(
    request: object,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
  ): grpc.ClientReadableStream<ExecutePlanResponse__Output>
  AnalyzePlan: UnaryCall<AnalyzePlanResponse__Output>
  Config: UnaryCall<ConfigResponse__Output>
  ReleaseSession: UnaryCall<object>
}

export class SparkConnectClient implements SparkExecutor {
  readonly remote: SparkRemote
  readonly sessionId: string
  readonly userId: string
  private readonly stub: ConnectStub
  private readonly decodeStatus: StatusDecoder
  private readonly metadata = new grpc.Metadata()
  private readonly deadlines: CallDeadlines
  /** Set by the first response; a different value later means the server restarted under us. */
  private serverSideSessionId: string | undefined

  constructor(remote: string | SparkRemote, options: SparkClientOptions) {
    this.remote = typeof remote === 'string' ? parseSparkRemote(remote) : remote
    this.sessionId = options.sessionId ?? this.remote.sessionId ?? randomUUID()
    this.userId = options.userId ?? this.remote.userId ?? 'traffic'
    if (this.remote.token) this.metadata.set('authorization', `Bearer ${this.remote.token}`)
    const Service = loadSparkConnectService(options.protosDir)
    this.decodeStatus = statusDecoder(options.protosDir)
    const credentials = this.remote.useSsl
      ? grpc.credentials.createSsl(options.caCertificate ?? null)
      : grpc.credentials.createInsecure()
    this.deadlines = options.deadlines ?? {}
    const keepalive = options.keepalive
    this.stub = new Service(this.remote.target, credentials, {
      'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
      'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
      ...(keepalive && {
        'grpc.keepalive_time_ms': keepalive.timeMs,
        'grpc.keepalive_timeout_ms': keepalive.timeoutMs,
        'grpc.keepalive_permit_without_calls': 0,
      }),
    }) as unknown as ConnectStub
  }

  private fields(): SessionFields {
    return {
      session_id: this.sessionId,
      user_context: { user_id: this.userId, user_name: this.userId },
      client_type: CLIENT_TYPE,
      client_observed_server_side_session_id: this.serverSideSessionId,
    }
  }

  private failure(error: unknown, kind: CallKind): SparkConnectError {
    return toSparkError(error, this.remote.target, this.decodeStatus, this.deadlines[kind])
  }

  private callOptions(kind: CallKind): grpc.CallOptions {
    const ms = this.deadlines[kind]
    return ms === undefined ? {} : { deadline: Date.now() + ms }
  }

  private observe(serverSideSessionId: string | undefined): void {
    if (!serverSideSessionId) return
    if (this.serverSideSessionId && this.serverSideSessionId !== serverSideSessionId) {
      throw new SparkConnectError(
        'SERVER_ERROR',
        `The Spark Connect server at ${this.remote.target} restarted: this session's views and cached models are gone`,
        { hint: 'run the command again' },
      )
    }
    this.serverSideSessionId = serverSideSessionId
  }

  private unary<T extends { server_side_session_id?: string }>(
    call: UnaryCall<T>,
    request: object,
  ): Promise<T> {
    const kind = 'control'
    return new Promise<T>((resolve, reject) => {
      const fields = { ...this.fields(), ...request }
      call.call(this.stub, fields, this.metadata, this.callOptions(kind), (error, response) => {
        if (error || !response) return reject(this.failure(error ?? new Error('empty response'), kind))
        try {
          this.observe(response.server_side_session_id)
          resolve(response)
        } catch (observed) {
          reject(observed)
        }
      })
    })
  }

  /** Runs a relation or a command and gathers its whole response stream. */
  execute(plan: Plan, kind: CallKind = 'work'): Promise<ExecuteResult> {
    const result: ExecuteResult = { arrowBatches: [], resultComplete: false }
    return new Promise<ExecuteResult>((resolve, reject) => {
      const stream = this.stub.ExecutePlan(
        { ...this.fields(), operation_id: randomUUID(), plan },
        this.metadata,
        this.callOptions(kind),
      )
      stream.on('data', (response: ExecutePlanResponse__Output) => {
        try {
          this.observe(response.server_side_session_id)
        } catch (error) {
          stream.cancel()
          return reject(error)
        }
        if (response.schema) result.schema = response.schema
        if (response.arrow_batch?.data) result.arrowBatches.push(response.arrow_batch.data)
        if (response.ml_command_result) result.mlCommandResult = response.ml_command_result
        if (response.write_stream_operation_start_result)
          result.writeStreamResult = response.write_stream_operation_start_result
        if (response.streaming_query_command_result)
          result.streamingQueryResult = response.streaming_query_command_result
        if (response.streaming_query_manager_command_result)
          result.streamingQueryManagerResult = response.streaming_query_manager_command_result
        if (response.result_complete) result.resultComplete = true
      })
      stream.on('error', (error) => reject(this.failure(error, kind)))
      stream.on('end', () => resolve(result))
    })
  }

  analyze(request: AnalyzeRequest): Promise<AnalyzePlanResponse__Output> {
    return this.unary<AnalyzePlanResponse__Output>(this.stub.AnalyzePlan, request)
  }

  config(operation: ConfigOperation): Promise<ConfigResponse__Output> {
    return this.unary<ConfigResponse__Output>(this.stub.Config, { operation })
  }

  get target(): string {
    return this.remote.target
  }

  /** Drops the server-side session (temp views, cached ML models) and closes the channel. */
  async release(): Promise<void> {
    try {
      await new Promise<void>((resolve, reject) => {
        this.stub.ReleaseSession(this.fields(), this.metadata, this.callOptions('control'), (error) =>
          error ? reject(error) : resolve(),
        )
      })
    } catch (error) {
      // An unreachable server has nothing left to release; anything else is worth reporting.
      const translated = this.failure(error, 'control')
      if (translated.code !== 'UNAVAILABLE') throw translated
    } finally {
      this.disconnect()
    }
  }

  /** Closes the gRPC channel only (used when the session was never established). */
  disconnect(): void {
    this.stub.close()
  }
}
