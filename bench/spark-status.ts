// Where training's time goes, from Spark's own status API (the driver's web UI REST API): the jobs, stages and
// tasks each step of a run started, and their executor run time. These counts do not depend on the machine's
// load, unlike wall time. Each job is charged to the innermost step that was running when it was submitted
// (steps from the run's progress lines); steps that run side by side share one row.
import { connectSpark, type SparkConnectConfig } from '../src/engines/spark-connect.ts'

interface JobData {
  jobId: number
  submissionTime?: string
  stageIds: number[]
}

interface StageData {
  stageId: number
  status: string
  numTasks: number
  executorRunTime: number
}

export interface StepCounts {
  step: string
  jobs: number
  /** Stages run (skipped ones, whose shuffle output was reused, are not counted). */
  stages: number
  tasks: number
  executorSeconds: number
}

interface Step {
  label: string
  began: number
  ended: number
}

const FIRST_UI_PORT = 4040
const UI_PORTS = 60

/** The base URL of the status API of the Spark application behind the connection (found by its application id). */
export async function statusApiOf(connection: SparkConnectConfig): Promise<string> {
  const spark = await connectSpark(connection)
  let appId: string | undefined
  try {
    appId = (await spark.getConf(['spark.app.id']))['spark.app.id']
  } finally {
    await spark.close()
  }
  for (let port = FIRST_UI_PORT; port < FIRST_UI_PORT + UI_PORTS; port++) {
    const base = `http://127.0.0.1:${port}/api/v1/applications/${appId}`
    const found = await fetch(`${base}/environment`).then(
      (response) => response.ok,
      () => false,
    )
    if (found) return base
  }
  throw new Error(`No Spark web UI on ports ${FIRST_UI_PORT}–${FIRST_UI_PORT + UI_PORTS - 1} serves ${appId}`)
}

const STEP_LINE = /^\[\s*[\d.]+ s\] (.+?) (…|✔ [\d.]+ s)$/

/** Records the steps of a run from its progress lines, with the client's clock. */
export class StepTimeline {
  readonly #open = new Map<string, number>()
  readonly steps: Step[] = []

  line(text: string): void {
    const match = STEP_LINE.exec(text)
    if (!match) return
    const [, label, mark] = match as unknown as [string, string, string]
    if (mark === '…') this.#open.set(label, Date.now())
    else this.steps.push({ label, began: this.#open.get(label) ?? Date.now(), ended: Date.now() })
  }
}

/** Spark's time stamps, e.g. `2026-12-07T14:53:07.075GMT`. */
const sparkTime = (stamp: string | undefined) => Date.parse((stamp ?? '').replace('GMT', 'Z'))

/** The jobs submitted during the timeline's steps, counted per innermost step. */
export async function countsBySteps(api: string, timeline: StepTimeline): Promise<StepCounts[]> {
  const get = async <T>(what: string): Promise<T> => (await fetch(`${api}/${what}`)).json() as Promise<T>
  const [jobs, stages] = await Promise.all([get<JobData[]>('jobs'), get<StageData[]>('stages')])
  const stageById = new Map(stages.map((stage) => [stage.stageId, stage]))
  const rows = new Map<string, StepCounts>()
  for (const job of jobs) {
    const at = sparkTime(job.submissionTime)
    const running = timeline.steps.filter((step) => step.began <= at && at <= step.ended)
    const innermost = running.sort((a, b) => b.began - a.began)[0]
    if (!innermost) continue
    const row = rows.get(innermost.label) ?? {
      step: innermost.label,
      jobs: 0,
      stages: 0,
      tasks: 0,
      executorSeconds: 0,
    }
    row.jobs++
    for (const id of job.stageIds) {
      const stage = stageById.get(id)
      if (!stage || stage.status === 'SKIPPED') continue
      row.stages++
      row.tasks += stage.numTasks
      row.executorSeconds += stage.executorRunTime / 1000
    }
    rows.set(innermost.label, row)
  }
  const order = timeline.steps.map((step) => step.label)
  return [...rows.values()].sort((a, b) => order.indexOf(a.step) - order.indexOf(b.step))
}

/** The counts of a run, summed. */
export function totalCounts(rows: readonly StepCounts[]): Omit<StepCounts, 'step'> {
  const sum = (pick: (row: StepCounts) => number) => rows.reduce((total, row) => total + pick(row), 0)
  return {
    jobs: sum((row) => row.jobs),
    stages: sum((row) => row.stages),
    tasks: sum((row) => row.tasks),
    executorSeconds: Math.round(sum((row) => row.executorSeconds) * 10) / 10,
  }
}

export function countsTable(rows: readonly StepCounts[]): string {
  const lines = rows.map(
    (row) =>
      `| ${row.step} | ${row.jobs} | ${row.stages} | ${row.tasks} | ${row.executorSeconds.toFixed(1)} |`,
  )
  const total = totalCounts(rows)
  lines.push(`| **total** | ${total.jobs} | ${total.stages} | ${total.tasks} | ${total.executorSeconds} |`)
  return ['| step | jobs | stages | tasks | executor s |', '| --- | --- | --- | --- | --- |', ...lines].join(
    '\n',
  )
}
