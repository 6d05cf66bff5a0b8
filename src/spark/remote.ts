// The Spark Connect connection string: `sc://host[:port][/;param=value;...]`, as every Spark Connect client
// reads it (port 15002 by default; parameters user_id, session_id, token, use_ssl).
import { SparkConnectError } from './errors.ts'

export const DEFAULT_SPARK_CONNECT_PORT = 15002

export interface SparkRemote {
  host: string
  port: number
  /** `host:port`, the gRPC target. */
  target: string
  userId?: string
  sessionId?: string
  /** Bearer token sent as the `authorization` header; implies TLS unless `use_ssl=false` says otherwise. */
  token?: string
  useSsl: boolean
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function invalid(remote: string, why: string): SparkConnectError {
  return new SparkConnectError(
    'INVALID_REMOTE',
    `Invalid Spark Connect address "${redactSparkRemote(remote)}": ${why}`,
    {
      hint: 'use sc://host:port, e.g. sc://127.0.0.1:15002',
    },
  )
}

/** A parameter's value, URL-decoded as every client reads it; a stray `%` is named, the value never shown. */
function decoded(remote: string, key: string, value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw invalid(
      remote,
      `the value of ${key} holds a % that starts no %XX escape (write a literal % as %25)`,
    )
  }
}

export function parseSparkRemote(remote: string): SparkRemote {
  const match = /^sc:\/\/([^/:;]+)(?::(\d+))?\/?(;.*)?$/.exec(remote)
  if (!match?.[1]) throw invalid(remote, 'expected sc://host[:port]')
  const port = match[2] === undefined ? DEFAULT_SPARK_CONNECT_PORT : Number(match[2])
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid(remote, `bad port ${match[2]}`)
  const params = new Map<string, string>()
  for (const part of (match[3] ?? '').split(';').filter(Boolean)) {
    const eq = part.indexOf('=')
    if (eq <= 0) throw invalid(remote, `parameter "${part}" is not key=value`)
    const key = part.slice(0, eq)
    params.set(key, decoded(remote, key, part.slice(eq + 1)))
  }
  const sessionId = params.get('session_id')
  if (sessionId !== undefined && !UUID.test(sessionId)) throw invalid(remote, 'session_id must be a UUID')
  const token = params.get('token')
  const host = match[1]
  return {
    host,
    port,
    target: `${host}:${port}`,
    userId: params.get('user_id'),
    sessionId,
    token,
    // An explicit use_ssl wins (e.g. a token over an SSH tunnel or loopback); otherwise a token means TLS.
    useSsl: params.has('use_ssl') ? params.get('use_ssl') === 'true' : token !== undefined,
  }
}

/** The connection string as it may be shown (logs, status, report.json): the token's value hidden. */
export function redactSparkRemote(remote: string): string {
  return remote.replace(/(;token=)[^;]*/gi, '$1***')
}
