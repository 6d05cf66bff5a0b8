// GET /live: the live view now. GET /live/events: the same as Server-Sent Events — a `snapshot` on connect,
// then `window` and `alert` as Spark's queries write them and `stats` every second — written straight to the
// socket, unbuffered, so a page (also through the UI server's /api forwarder) sees each update as it happens.
import type { ServerResponse } from 'node:http'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { API_PATHS } from '../endpoints.ts'
import { type LiveEvents, LiveSnapshot, LiveStats } from '../live-schemas.ts'

/** A comment line now and then keeps proxies and idle timeouts (the UI forwarder's 30 s) from closing the stream. */
const HEARTBEAT_MS = 10_000
/** A client this far behind is dropped; EventSource reconnects and starts again from a snapshot. */
const MAX_BUFFERED_BYTES = 1024 * 1024

function sseMessage<E extends keyof LiveEvents>(event: E, data: LiveEvents[E]): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`
}

export const liveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['live']
  const streams = new Set<ServerResponse>()
  app.addHook('preClose', async () => {
    for (const stream of streams) stream.end()
  })

  app.get(
    API_PATHS.live,
    {
      schema: {
        summary: 'The live view: windows, alerts, clock, throughput, lag, Spark queries, live model error',
        tags,
        response: { 200: LiveSnapshot },
      },
    },
    async () => app.live.snapshot(),
  )

  app.get(
    API_PATHS.liveEvents,
    {
      schema: {
        summary: 'Server-Sent Events of the live view',
        description:
          'Events: `snapshot` (a GET /live answer) on connect; `window` (LiveWindow) and `alert` (LiveAlert) ' +
          'as they arrive; `stats` (LiveStats, its throughput history empty: `latest` is the new sample) ' +
          'every second.',
        tags,
        response: {
          200: {
            description: 'text/event-stream; each `data:` line is the JSON of the event',
            content: { 'text/event-stream': { schema: Type.Union([LiveSnapshot, LiveStats]) } },
          },
        },
      },
    },
    (request, reply) => {
      reply.hijack()
      const stream = reply.raw
      stream.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      })
      // A HEAD has no body to stream: its headers are the whole answer (else they would wait for the end).
      if (request.method === 'HEAD') return void stream.end()
      stream.write(`retry: 3000\n\n${sseMessage('snapshot', app.live.snapshot())}`)
      streams.add(stream)

      const send = <E extends keyof LiveEvents>(event: E, data: LiveEvents[E]) => {
        if (stream.writableLength > MAX_BUFFERED_BYTES) return void stream.end()
        const payload =
          event === 'stats'
            ? {
                ...(data as LiveEvents['stats']),
                throughput: { ...(data as LiveEvents['stats']).throughput, history: [] },
              }
            : data
        stream.write(sseMessage(event, payload as LiveEvents[E]))
      }
      const unsubscribe = app.live.subscribe(send)
      const heartbeat = setInterval(() => stream.write(': ping\n\n'), HEARTBEAT_MS)
      request.raw.on('close', () => {
        clearInterval(heartbeat)
        unsubscribe()
        streams.delete(stream)
      })
    },
  )
}
