// `npm run bench:train -- --store s3`: the same training from a folder and from s3:// (read over s3a) back to back
// on one Spark Connect server launched for it with the S3A connector, against a local S3Proxy holding a copy of
// the batch files. The gap between the two totals is what object storage costs training here.
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import { S3Store } from '../src/storage/s3-store.ts'
import { openModels } from '../src/training/models-publisher.ts'
import type { LineWriter } from '../src/training/progress.ts'
import type { TrainingReport } from '../src/training/report.ts'
import { DEFAULT_PARAMS, DEFAULT_PARITY_ROWS, train } from '../src/training/train.ts'
import { startS3Proxy } from '../test/storage/s3proxy-fixture.ts'
import { startSparkOnS3Proxy } from '../test/storage/spark-on-s3proxy.ts'

export interface StoreTimings {
  store: 'folder' | 's3'
  batches: string
  rows: number
  seconds: { total: number; readAndCache: number | undefined }
}

function timingsOf(store: StoreTimings['store'], report: TrainingReport): StoreTimings {
  return {
    store,
    batches: report.batches.dir,
    rows: report.batches.rows,
    seconds: {
      total: report.timings.total ?? Number.NaN,
      readAndCache: report.timings['read and cache the batch files'],
    },
  }
}

export async function trainFromBothStores(
  folder: string,
  topic: string,
  work: string,
  log: LineWriter,
): Promise<StoreTimings[]> {
  const s3proxy = await startS3Proxy()
  try {
    const { config, stop } = await startSparkOnS3Proxy(s3proxy, work, path.join(work, 'models-stores'))
    try {
      const store = new S3Store(config.storage.s3, s3proxy.bucket, 'batches/')
      for (const name of await readdir(folder)) {
        await store.createIfAbsent(name, await readFile(path.join(folder, name)))
      }
      const run = (batchesDir: string) =>
        train({
          batchesDir,
          topic,
          models: openModels(config.paths.models, config.storage.s3),
          connection: config,
          params: DEFAULT_PARAMS,
          parityRows: DEFAULT_PARITY_ROWS,
          log,
        })
      // A first run warms the server (class loading, JIT, the S3A connector) and is not counted: otherwise
      // whichever store goes first pays for it.
      log('\n── warm-up, from the folder (not counted)')
      await run(folder)
      log(`\n── from the folder ${folder}`)
      const fromFolder = timingsOf('folder', await run(folder))
      log(`\n── from ${config.paths.batches} (s3a)`)
      const fromS3 = timingsOf('s3', await run(config.paths.batches))
      return [fromFolder, fromS3]
    } finally {
      await stop()
    }
  } finally {
    await s3proxy.stop()
  }
}
