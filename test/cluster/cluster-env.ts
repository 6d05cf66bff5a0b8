// Brings the local SASL_SSL cluster up (`traffic cluster up --secure`, in TRAFFIC_STATE_DIR/cluster) before any
// other test module reads the configuration, and points this process (and the `traffic` processes it spawns) at
// it. Imported first by the cluster tests; `stopClusterIfStarted` leaves a cluster that was already up running.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { loadConfig } from '../../src/config.ts'
import { isAlive } from '../../src/engines/process-identity.ts'
import { traffic } from '../fixtures/cli.ts'

const wasUp = (await traffic(['cluster', 'status'])).code === 0
const up = await traffic(['cluster', 'up', '--secure'])
if (up.code !== 0) throw new Error(`traffic cluster up failed:\n${up.stdout}${up.stderr}`)

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

export async function stopClusterIfStarted(): Promise<void> {
  if (!wasUp) await traffic(['cluster', 'down'])
}

/** SIGKILLs one of the cluster's processes, named by its PID file (e.g. `kafka-2/kafka.pid`), and waits until it is gone. */
export async function killClusterProcess(pidFile: string): Promise<void> {
  const { pid } = JSON.parse(readFileSync(path.join(clusterDir, pidFile), 'utf8')) as { pid: number }
  process.kill(pid, 'SIGKILL')
  while (isAlive(pid)) await sleep(50)
}
