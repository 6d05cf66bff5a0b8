// Where the API takes the models it serves from: a local folder it loads as it is and watches for changes
// (folder-watcher.ts), or an `s3://` location whose published version it copies into a local cache
// (bucket-models-cache.ts) and whose pointer object it polls with conditional GETs: an unchanged pointer costs a
// 304 with no body.
import { realpath } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import type { S3Settings } from '../../config.ts'
import { TrafficError } from '../../errors.ts'
import { parseStoreLocation } from '../../storage/location.ts'
import { openStore } from '../../storage/open-store.ts'
import { POINTER_KEY } from '../../training/models-bucket.ts'
import { type CachedVersion, cachePublishedVersion } from './bucket-models-cache.ts'
import { watchFolder } from './folder-watcher.ts'

export interface ModelsWatch {
  close(): void
}

export interface ModelsSource {
  /** The models location as configured, for messages. */
  readonly location: string
  /** A local folder holding one complete version of the models, for one load. */
  resolve(): Promise<string>
  /**
   * Calls `onChange` when another version may have been published (after `debounceMs` of quiet for a folder);
   * failures to look are given to `onError`, and looking goes on.
   */
  watch(onChange: () => Promise<unknown>, onError: (error: unknown) => void, debounceMs: number): ModelsWatch
}

/** How the API reaches models on object storage. */
export interface BucketModelsOptions {
  s3: S3Settings
  /** The local folder the published version is copied into (TRAFFIC_MODELS_CACHE). */
  cacheDir: string
  /** How often to ask whether another version was published (TRAFFIC_MODELS_POLL_MS). */
  pollMs: number
}

function folderSource(dir: string): ModelsSource {
  return {
    location: dir,
    // Resolved once per load: the models folder is a link switched to a new version by training, and one load
    // must read a single version throughout.
    resolve: () => realpath(dir).catch(() => dir),
    watch: (onChange, _onError, debounceMs) => watchFolder(dir, () => void onChange(), debounceMs),
  }
}

function bucketSource(location: string, options: BucketModelsOptions): ModelsSource {
  const store = openStore('TRAFFIC_MODELS', location, options.s3)
  let served: CachedVersion | undefined
  return {
    location,
    async resolve() {
      served = await cachePublishedVersion(store, options.cacheDir)
      return served.dir
    },
    watch(onChange, onError) {
      const stop = new AbortController()
      const poll = async (): Promise<void> => {
        while (!stop.signal.aborted) {
          await sleep(options.pollMs, undefined, { signal: stop.signal }).catch(() => undefined)
          if (stop.signal.aborted) return
          try {
            const pointer = await store.getIfChanged(POINTER_KEY, served?.pointerVersion ?? '')
            if (pointer !== 'unchanged' && (pointer?.version ?? '') !== (served?.pointerVersion ?? '')) {
              await onChange()
            }
          } catch (error) {
            onError(error)
          }
        }
      }
      void poll()
      return { close: () => stop.abort() }
    },
  }
}

/** The source of the models at `location` (a folder or `s3://bucket/prefix`). */
export function modelsSource(location: string, bucket: BucketModelsOptions | undefined): ModelsSource {
  const parsed = parseStoreLocation('TRAFFIC_MODELS', location)
  if (parsed.kind === 'folder') return folderSource(parsed.dir)
  if (!bucket) {
    throw new TrafficError('INVALID_CONFIG', `The models in ${location} need the object storage settings`)
  }
  return bucketSource(location, bucket)
}
