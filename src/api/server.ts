// The API listening on its port: shared by `traffic serve` and `traffic up`.
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.ts'
import { TrafficError } from '../errors.ts'
import { httpUrlOf } from '../http-url.ts'
import { liveQueries } from '../live/queries.ts'
import { liveTopics } from '../stream/live-topics.ts'
import { buildApp } from './app.ts'
import type { LiveFeedOptions } from './services/live-feed.ts'

/** Quiet time after the last change in the models folder before reloading (a training run writes many files). */
export const RELOAD_DEBOUNCE_MS = 500

export interface ApiServer {
  app: FastifyInstance
  url: string
}

export interface ApiServerOptions {
  /** Reload the models when their folder changes. */
  watch: boolean
  /** Write the request log to this file instead of standard output. */
  logFile?: string
  /** Follow the live stream on Kafka (default true; `traffic serve --no-live` turns it off). */
  live?: boolean
}

export function liveFeedOptions(config: Config): LiveFeedOptions {
  return {
    kafka: config.kafka,
    topics: liveTopics(config),
    groupId: config.live.apiGroup,
    queries: () => liveQueries(config),
  }
}

export async function startApiServer(config: Config, options: ApiServerOptions): Promise<ApiServer> {
  const app = await buildApp({
    modelsDir: config.paths.models,
    bucketModels: {
      s3: config.storage.s3,
      cacheDir: config.api.modelsCacheDir,
      pollMs: config.api.modelsPollMs,
    },
    corsOrigins: config.api.corsOrigins,
    logger: { level: config.api.logLevel, ...(options.logFile ? { file: options.logFile } : {}) },
    adminToken: config.api.adminToken,
    requestTimeoutMs: config.api.requestTimeoutMs,
    ...(options.watch ? { watchDebounceMs: RELOAD_DEBOUNCE_MS } : {}),
    ...(options.live === false ? {} : { live: liveFeedOptions(config) }),
  })
  try {
    await app.listen({ port: config.api.port, host: config.api.host })
  } catch (error) {
    await app.close()
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    throw new TrafficError('PORT_IN_USE', `Port ${config.api.port} on ${config.api.host} is already in use`, {
      hint: 'Stop the other server, or choose another port with --port (or API_PORT)',
    })
  }
  // The bound port, not the asked one: --port 0 picks a free port.
  const { port } = app.server.address() as AddressInfo
  return { app, url: httpUrlOf(config.api.host, port) }
}
