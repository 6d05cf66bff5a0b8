// The live queries' checkpoints: Spark writes them (through `sparkPathOf`, so `s3a://` on a bucket); our own reads
// and the reset go through the storage seam, so they work the same on a folder and on a bucket.
import type { Config } from '../config.ts'
import type { ObjectStore } from '../storage/object-store.ts'
import { openStore } from '../storage/open-store.ts'

/** Where the queries of the stream topic checkpoint: a folder path or an `s3://` URI, as configured. */
export function checkpointsLocation(config: Config): string {
  // Both a folder path and an s3:// URI take `/`-separated names under them.
  return `${config.paths.checkpoints.replace(/\/+$/, '')}/${config.kafka.topic}/checkpoints`
}

export function checkpointsStore(config: Config): ObjectStore {
  return openStore('TRAFFIC_CHECKPOINTS', checkpointsLocation(config), config.storage.s3)
}

/** `<query>/offsets/<batch id>`: the offsets file Spark writes for each micro-batch, before running it. */
const OFFSETS_FILE = /^([^/]+)\/offsets\/(\d+)$/

/**
 * The latest event-time watermark the checkpoints in `store` hold (each micro-batch's offsets file carries
 * `batchWatermarkMs` on its metadata line), from each query's newest offsets file; undefined without any.
 */
export async function latestWatermark(store: ObjectStore): Promise<Date | undefined> {
  const newest = new Map<string, { key: string; batch: number }>()
  for (const key of await store.list()) {
    const match = OFFSETS_FILE.exec(key)
    if (!match) continue
    const [, query = '', batch] = match
    const seen = newest.get(query)
    if (!seen || Number(batch) > seen.batch) newest.set(query, { key, batch: Number(batch) })
  }
  let latest: number | undefined
  for (const { key } of newest.values()) {
    const body = (await store.get(key))?.body.toString('utf8') ?? ''
    for (const line of body.split('\n')) {
      const watermark = line.startsWith('{')
        ? (JSON.parse(line) as { batchWatermarkMs?: unknown }).batchWatermarkMs
        : undefined
      if (typeof watermark === 'number' && watermark > (latest ?? 0)) latest = watermark
    }
  }
  return latest === undefined ? undefined : new Date(latest)
}

/** The watermark the live queries of the configured topic resume with. */
export function checkpointWatermark(config: Config): Promise<Date | undefined> {
  return latestWatermark(checkpointsStore(config))
}

/** Deletes every checkpoint object of the configured topic's queries (the next run starts them afresh). */
export function deleteCheckpoints(config: Config): Promise<void> {
  return checkpointsStore(config).deleteAll()
}
