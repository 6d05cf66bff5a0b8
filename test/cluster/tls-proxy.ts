// A TLS terminator in front of the Spark Connect server, as a managed endpoint puts one: Spark 4.2's Connect server
// speaks no TLS itself (its configuration has no TLS setting, see README "Scaling out"). It offers HTTP/2 (ALPN h2)
// with a PKCS12 certificate and pipes every connection to the server unchanged.
import { readFileSync } from 'node:fs'
import { type AddressInfo, connect, type Socket } from 'node:net'
import { createServer } from 'node:tls'

export interface TlsProxy {
  port: number
  /** TLS connections completed so far. */
  connections: () => number
  close: () => Promise<void>
}

export async function startTlsProxy(
  target: { host: string; port: number },
  keyStore: { file: string; password: string },
): Promise<TlsProxy> {
  let connections = 0
  const open = new Set<Socket>()
  const server = createServer(
    { pfx: readFileSync(keyStore.file), passphrase: keyStore.password, ALPNProtocols: ['h2'] },
    (client) => {
      connections++
      const upstream = connect(target.port, target.host)
      for (const socket of [client, upstream]) {
        open.add(socket)
        socket.once('close', () => open.delete(socket))
      }
      client.pipe(upstream).pipe(client)
      client.on('error', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
    },
  )
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of open) socket.destroy()
      }),
  }
}
