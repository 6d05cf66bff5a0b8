// The zero-downtime scenario of `npm run bench:lifecycle`: `traffic serve` (its own process, the real API, watching
// its models folder) under a steady rate of POST predictions while the registry promotes 5 versions and rolls one
// back. Reports non-2xx answers and errors, and p99 latency of the requests started during a swap (from the
// promotion until the API serves the new version, plus a settle time) against those of a quiet stretch before the
// swaps; and how long each swap took to reach the API.
import { once } from 'node:events'
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import autocannon from 'autocannon'
import { SEED_EXAMPLES } from '../src/api/seed-examples.ts'
import { REPORT_FILE, VERSION_FILE } from '../src/contract/models.ts'
import { registryOf, trainingData, versionRecord } from '../src/lifecycle/registry.ts'
import { folderModels } from '../src/training/models-folder.ts'
import type { TrainingReport } from '../src/training/report.ts'
import { startServe } from './serve-process.ts'

export interface SwapsOptions {
  /** Trained models, copied in as the versions to swap between. */
  source: string
  /** Requests per second. */
  rate: number
  connections: number
  baselineMs: number
  intervalMs: number
  settleMs: number
}

const PROMOTIONS = 5

const MODEL_FOLDERS = ['traffic_density_model', 'peak_hour_model', 'energy_consumption_model']

/** The source models copied in as `count` complete versions of a new models folder, each with its record. */
async function versionsFrom(source: string, modelsDir: string, count: number): Promise<string[]> {
  const models = folderModels(modelsDir)
  const report = JSON.parse(readFileSync(path.join(source, REPORT_FILE), 'utf8')) as TrainingReport
  const ids: string[] = []
  for (let i = 0; i < count; i++) {
    const staging = await models.stage()
    for (const name of [...MODEL_FOLDERS, REPORT_FILE]) {
      cpSync(path.join(source, name), path.join(staging.sparkDir, name), { recursive: true })
    }
    const record = versionRecord(
      staging.id,
      report,
      `bench copy ${i}`,
      trainingData('bench', [], report.batches.rows),
    )
    await staging.write(VERSION_FILE, JSON.stringify(record))
    await models.complete(staging)
    ids.push(staging.id)
  }
  return ids
}

async function servedVersion(url: string): Promise<string | null> {
  return ((await (await fetch(`${url}/models`)).json()) as { version: string | null }).version
}

/** Until the API serves `id`; the time that took. */
async function untilServed(url: string, id: string, since: number): Promise<number> {
  while ((await servedVersion(url)) !== id) await sleep(20)
  return performance.now() - since
}

interface Sample {
  startedAt: number
  ms: number
  ok: boolean
}

function p99(samples: Sample[]): number {
  const sorted = samples.map((sample) => sample.ms).sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? Number.NaN
}

function summary(samples: Sample[]) {
  return {
    requests: samples.length,
    non2xx: samples.filter((sample) => !sample.ok).length,
    p50Ms: Number(
      (samples.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(samples.length / 2)] ?? Number.NaN).toFixed(
        2,
      ),
    ),
    p99Ms: Number(p99(samples).toFixed(2)),
  }
}

export async function zeroDowntimeSwaps(options: SwapsOptions) {
  const { source, rate, connections, baselineMs, intervalMs, settleMs } = options
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-lifecycle-'))
  const modelsDir = path.join(work, 'spark_models_traffic')
  const ids = await versionsFrom(source, modelsDir, PROMOTIONS + 1)
  const registry = registryOf(folderModels(modelsDir))
  await registry.promote(ids[0] as string, 'bench start')
  const server = startServe(modelsDir)
  const samples: Sample[] = []
  let errors = 0
  const swaps: { action: string; to: string; startedAt: number; servedMs: number }[] = []
  try {
    const url = await server.url
    process.stdout.write(
      `API ${url}, models copied from ${source}; ${rate} req/s on ${connections} connections\n`,
    )
    const load = autocannon(
      {
        url: `${url}/predict_traffic_density`,
        connections,
        overallRate: rate,
        duration: 3600,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(SEED_EXAMPLES.traffic_density),
      },
      (error) => {
        if (error) errors++
      },
    )
    load.on('response', (_client, statusCode, _bytes, responseTime) => {
      samples.push({
        startedAt: performance.now() - responseTime,
        ms: responseTime,
        ok: statusCode >= 200 && statusCode < 300,
      })
    })
    load.on('reqError', () => {
      errors++
    })
    const loadStarted = performance.now()
    // The first seconds warm the server's JIT; the quiet stretch follows.
    await sleep(2000)
    const baselineFrom = performance.now()
    await sleep(baselineMs)
    const baselineTo = performance.now()
    for (let i = 1; i <= PROMOTIONS + 1; i++) {
      const startedAt = performance.now()
      const entry =
        i <= PROMOTIONS
          ? await registry.promote(ids[i] as string, `bench promotion ${i}`)
          : await registry.rollback('bench rollback')
      const servedMs = await untilServed(url, entry.to, startedAt)
      swaps.push({ action: entry.action, to: entry.to, startedAt, servedMs: Math.round(servedMs) })
      process.stdout.write(
        `${entry.action.padEnd(8)} → ${entry.to} served after ${Math.round(servedMs)} ms\n`,
      )
      await sleep(Math.max(intervalMs, servedMs + settleMs) - (performance.now() - startedAt))
    }
    load.stop()
    const during = samples.filter((sample) =>
      swaps.some(
        (swap) =>
          sample.startedAt >= swap.startedAt && sample.startedAt <= swap.startedAt + swap.servedMs + settleMs,
      ),
    )
    const quiet = samples.filter(
      (sample) => sample.startedAt >= baselineFrom && sample.startedAt < baselineTo,
    )
    const all = samples.filter((sample) => sample.startedAt >= loadStarted)
    const results = {
      source,
      settings: {
        rate,
        connections,
        baselineSeconds: baselineMs / 1000,
        intervalSeconds: intervalMs / 1000,
        settleMs,
      },
      targets: { non2xx: 0, p99DuringOverWithout: 2 },
      swaps: swaps.map(({ action, to, servedMs }) => ({ action, to, servedMs })),
      withoutSwaps: summary(quiet),
      duringSwaps: summary(during),
      whole: { ...summary(all), errors },
      p99DuringOverWithout: Number((p99(during) / p99(quiet)).toFixed(2)),
    }
    process.stdout.write(
      `\nwithout swaps: ${results.withoutSwaps.requests} requests, p99 ${results.withoutSwaps.p99Ms} ms\n` +
        `during swaps:  ${results.duringSwaps.requests} requests, p99 ${results.duringSwaps.p99Ms} ms (${results.p99DuringOverWithout}× without)\n` +
        `non-2xx ${results.whole.non2xx}, errors ${errors} of ${results.whole.requests} requests\n`,
    )
    return results
  } finally {
    if (server.child.exitCode === null) {
      server.child.kill('SIGTERM')
      await once(server.child, 'exit')
    }
    rmSync(work, { recursive: true, force: true })
  }
}
