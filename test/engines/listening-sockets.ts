// The TCP sockets a process listens on, read from /proc (Linux): its socket inodes from /proc/<pid>/fd, matched
// against the LISTEN rows of /proc/<pid>/net/tcp and tcp6.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs'

export interface ListeningSocket {
  address: string
  port: number
}

const LISTEN = '0A'

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>()
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`)
      const inode = target.match(/^socket:\[(\d+)\]$/)?.[1]
      if (inode) inodes.add(inode)
    } catch {
      // closed meanwhile
    }
  }
  return inodes
}

/** /proc's hex address: 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? []
  const bytes = words.flatMap((word) =>
    (word.match(/../g) ?? []).reverse().map((b) => Number.parseInt(b, 16)),
  )
  if (bytes.length === 4) return bytes.join('.')
  const isV4Mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff
  if (isV4Mapped) return `::ffff:${bytes.slice(12).join('.')}`
  const groups = []
  for (let i = 0; i < 16; i += 2) groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16))
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::')
}

export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = socketInodes(pid)
  const sockets: ListeningSocket[] = []
  for (const table of ['tcp', 'tcp6']) {
    for (const line of readFileSync(`/proc/${pid}/net/${table}`, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state, , , , , , inode] = line.trim().split(/\s+/)
      if (state !== LISTEN || !local || !inode || !inodes.has(inode)) continue
      const [address = '', port = ''] = local.split(':')
      sockets.push({ address: decodeAddress(address), port: Number.parseInt(port, 16) })
    }
  }
  return sockets
}

export function isLoopback(address: string): boolean {
  return /^(127\.|::ffff:127\.)/.test(address) || address === '0:0:0:0:0:0:0:1' || address === '::1'
}
