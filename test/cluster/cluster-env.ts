// Brings a local SASL_SSL cluster up (`traffic cluster up --secure`) in a state folder of its own, made afresh for
// this run, before any other test module reads the configuration, and points this process (and the `traffic`
// processes it spawns) at it: whatever cluster the checkout's state folder holds is neither used nor touched.
// Imported first by the cluster tests; `stopCluster` stops it and deletes its folder.
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config.ts'
import { isAlive } from '../../src/engines/process-identity.ts'
import { startTraffic, traffic } from '../fixtures/cli.ts'
import { watchDescendants } from '../fixtures/process-watch.ts'

const stateDir = await mkdtemp(path.join(tmpdir(), 'traffic-cluster-test-'))
process.env.TRAFFIC_STATE_DIR = stateDir
const up = startTraffic(['cluster', 'up', '--secure'])
const watch = watchDescendants(up.child.pid as number)
const upCode = await up.exited
/** The command line of every process `traffic cluster up --secure` ran (keytool, the storage formatter, engines). */
export const commandLinesDuringUp = watch.stop()
/** Everything `traffic cluster up --secure` printed. */
export const upOutput = up.output()
if (upCode !== 0) throw new Error(`traffic cluster up --secure failed:\n${upOutput}`)

export const clusterDir = loadConfig().cluster.dir
/** Every variable of cluster.env (the client's password included), as the user would `source` it. */
export const clusterEnv: Record<string, string> = Object.fromEntries(
  readFileSync(path.join(clusterDir, 'cluster.env'), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = /^export (\w+)='(.*)'$/.exec(line)
      return match?.[1] && match[2] !== undefined ? [[match[1], match[2]]] : []
    }),
)
Object.assign(process.env, clusterEnv)

export async function stopCluster(): Promise<void> {
  const down = await traffic(['cluster', 'down'])
  if (down.code !== 0 || !/S3Proxy .*stopped/.test(down.stdout)) {
    throw new Error(`traffic cluster down failed:\n${down.stdout}${down.stderr}`)
  }
  await rm(stateDir, { recursive: true, force: true })
}

/** SIGKILLs one of the cluster's processes, named by its PID file (e.g. `kafka-2/kafka.pid`), and waits until it is gone. */
export async function killClusterProcess(pidFile: string): Promise<void> {
  const { pid } = JSON.parse(readFileSync(path.join(clusterDir, pidFile), 'utf8')) as { pid: number }
  process.kill(pid, 'SIGKILL')
  while (isAlive(pid)) await sleep(50)
}
