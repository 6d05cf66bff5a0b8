// What the Spark Connect server's application reports at its driver's status API (`traffic cluster status` prints
// its address): its executors, each with the worker that launched it.
import assert from 'node:assert/strict'
import { traffic } from '../fixtures/cli.ts'

export interface Executor {
  id: string
  hostPort: string
  isActive: boolean
  activeTasks: number
  failedTasks: number
  totalTasks: number
  removeReason?: string
  /** Log links served by the worker that launched the executor (none for the driver). */
  executorLogs: { stdout?: string }
}

export interface SparkApplication {
  executors: () => Promise<Executor[]>
  /** The id of the worker (1, 2) that launched `executor`, undefined for the driver. */
  workerOf: (executor: Executor) => number | undefined
}

export async function sparkApplication(): Promise<SparkApplication> {
  const status = (await traffic(['cluster', 'status'])).stdout
  const driverUi = /Executors: (http:\/\/[^/]+)/.exec(status)?.[1]
  assert.ok(driverUi, status)
  const [app] = (await (await fetch(`${driverUi}/api/v1/applications`)).json()) as { id: string }[]
  assert.ok(app)
  const workers = new Map(
    [...status.matchAll(/Spark worker (\d+) .*?(http:\/\/\S+)/g)].map((m) => [m[2], Number(m[1])]),
  )
  return {
    executors: async () =>
      (await (await fetch(`${driverUi}/api/v1/applications/${app.id}/allexecutors`)).json()) as Executor[],
    workerOf: (executor) => {
      const logs = executor.executorLogs.stdout
      return logs === undefined ? undefined : workers.get(new URL(logs).origin)
    },
  }
}
