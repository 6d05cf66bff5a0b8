// A SparkExecutor that answers from a script, for unit tests of the session, DataFrame, SparkML and streaming
// without a server. Every request is recorded and pushed through the pinned protos first, so what the API
// sends is checked against the real protocol.
import assert from 'node:assert/strict'
import type {
  AnalyzeRequest,
  ConfigOperation,
  ExecuteResult,
  SparkExecutor,
} from '../../src/spark/executor.ts'
import type { AnalyzePlanResponse__Output, ConfigResponse__Output, Plan } from '../../src/spark/protocol.ts'
import { assertOnTheWire } from './wire.ts'

export type Answer =
  | { execute: Partial<ExecuteResult> }
  | { analyze: AnalyzePlanResponse__Output }
  | { config: ConfigResponse__Output }
  | { fail: Error }

export type Recorded = { execute: Plan } | { analyze: AnalyzeRequest } | { config: ConfigOperation }

export class RecordedExecutor implements SparkExecutor {
  readonly target = 'recorded:15002'
  readonly requests: Recorded[] = []
  released = false
  disconnected = false

  constructor(private readonly answers: Answer[]) {}

  private answer(request: Recorded): Answer {
    this.requests.push(request)
    const answer = this.answers.shift()
    assert.ok(answer, `no recorded answer left for ${JSON.stringify(request)}`)
    if ('fail' in answer) throw answer.fail
    return answer
  }

  async execute(plan: Plan): Promise<ExecuteResult> {
    assertOnTheWire('spark.connect.Plan', plan)
    const answer = this.answer({ execute: plan })
    assert.ok('execute' in answer, 'the script expected another call than execute')
    return { arrowBatches: [], resultComplete: false, ...answer.execute }
  }

  async analyze(request: AnalyzeRequest): Promise<AnalyzePlanResponse__Output> {
    assertOnTheWire('spark.connect.AnalyzePlanRequest', { session_id: 's', ...request })
    const answer = this.answer({ analyze: request })
    assert.ok('analyze' in answer, 'the script expected another call than analyze')
    return answer.analyze
  }

  async config(operation: ConfigOperation): Promise<ConfigResponse__Output> {
    assertOnTheWire('spark.connect.ConfigRequest.Operation', operation)
    const answer = this.answer({ config: operation })
    assert.ok('config' in answer, 'the script expected another call than config')
    return answer.config
  }

  async release(): Promise<void> {
    this.released = true
  }

  disconnect(): void {
    this.disconnected = true
  }

  /** Every scripted answer was asked for. */
  assertDone(): void {
    assert.equal(this.answers.length, 0, `${this.answers.length} scripted answer(s) never asked for`)
  }
}
