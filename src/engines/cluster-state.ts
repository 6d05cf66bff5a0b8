// What `traffic cluster up` decided once and every later command reads back (cluster.json in the cluster's
// folder): the KRaft cluster id and whether the client listener is SASL_SSL. A cluster keeps the mode it was made
// with; asking `up` for the other one is refused, naming the command that rebuilds it, so a user who asked for
// SASL_SSL never gets PLAINTEXT without a word (nor the reverse).
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { TrafficError } from '../errors.ts'
import { kafkaUuid } from './kafka.ts'

export interface ClusterState {
  clusterId: string
  secure: boolean
}

function stateFile(dir: string): string {
  return path.join(dir, 'cluster.json')
}

/** The state of the cluster made in `dir`, or undefined when none was made there. */
export async function readClusterState(dir: string): Promise<ClusterState | undefined> {
  const file = stateFile(dir)
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as ClusterState) : undefined
}

function modeName(secure: boolean): string {
  return secure ? 'with --secure (SASL_SSL)' : 'without --secure (PLAINTEXT)'
}

/**
 * For `up`: the state of the cluster in `dir`, made now (with a new cluster id) when there is none. Fails when the
 * existing cluster was made in the other mode than `secure` asks for.
 */
export async function clusterStateFor(dir: string, secure: boolean): Promise<ClusterState> {
  const existing = await readClusterState(dir)
  if (existing) {
    if (existing.secure === secure) return existing
    const flag = secure ? ' --secure' : ''
    const other = existing.secure ? ' --secure' : ''
    throw new TrafficError(
      'INVALID_INPUT',
      `the cluster in ${dir} was made ${modeName(existing.secure)}; \`traffic cluster up${flag}\` asks for one ${modeName(secure)}, and a cluster keeps the mode it was made with`,
      {
        hint: `start it as it is: \`traffic cluster up${other}\`; or replace it, deleting its topics and data: \`traffic cluster up${flag} --rebuild\``,
      },
    )
  }
  const state = { clusterId: kafkaUuid(), secure }
  await mkdir(dir, { recursive: true })
  await writeFile(stateFile(dir), `${JSON.stringify(state)}\n`)
  return state
}
