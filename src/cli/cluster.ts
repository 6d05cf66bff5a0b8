// `traffic cluster up|down|status`: a local 3-node Kafka cluster, Spark standalone cluster and S3 server, and the
// variables that point every other command at them.
import { existsSync } from 'node:fs'
import type { Command } from 'commander'
import { loadConfig } from '../config.ts'
import { displayPath } from '../display-path.ts'
import {
  CLUSTER_BUCKET,
  type ClusterLayout,
  clusterDown,
  clusterStatus,
  clusterUp,
} from '../engines/cluster.ts'
import type { EngineStatus } from '../engines/lifecycle.ts'
import { formatStatus } from './engines.ts'
import { action } from './run.ts'

function print(statuses: EngineStatus[]): void {
  for (const status of statuses) process.stdout.write(`${formatStatus(status)}\n`)
}

function printExports(layout: ClusterLayout): void {
  process.stdout.write('\nPoint the pipeline at the cluster:\n')
  for (const [name, value] of Object.entries(layout.exports))
    process.stdout.write(`  export ${name}=${value}\n`)
  if (existsSync(layout.envFile)) {
    process.stdout.write(
      `or, with the secrets (password, token, S3 keys) included: source ${displayPath(layout.envFile)}\n`,
    )
  }
  process.stdout.write(`Executors: ${layout.driverUi}/api/v1/applications\n`)
  process.stdout.write(`Bucket: s3://${CLUSTER_BUCKET} on S3Proxy at ${layout.s3proxy.endpoint}\n`)
}

export function registerClusterCommand(program: Command): void {
  const cluster = program
    .command('cluster')
    .description(
      'A local 3-node Kafka cluster, Spark standalone cluster (master + 2 workers) and S3 server (S3Proxy), to run the pipeline on',
    )

  cluster
    .command('up')
    .description(
      'Start the cluster (ports from TRAFFIC_CLUSTER_PORT_BASE, default 19000) and wait until healthy',
    )
    .option(
      '--secure',
      'a SASL_SSL listener (SCRAM-SHA-512 and PLAIN) with its own CA; an existing cluster must have been made with it',
    )
    .option('--rebuild', 'stop and delete the existing cluster (its topics and data) and make a new one')
    .action(
      action(async (options: { secure?: boolean; rebuild?: boolean }) => {
        const config = loadConfig()
        const rebuild = options.rebuild ?? false
        if (rebuild) {
          process.stdout.write(
            `Rebuilding: the cluster in ${displayPath(config.cluster.dir)} is deleted first\n`,
          )
        }
        const { layout, statuses } = await clusterUp(config, { secure: options.secure ?? false, rebuild })
        print(statuses)
        printExports(layout)
        if (statuses.some((s) => !s.healthy)) process.exitCode = 1
      }),
    )

  cluster
    .command('down')
    .description('Stop the cluster (its data and objects are kept for the next `up`)')
    .action(action(async () => print(await clusterDown(loadConfig()))))

  cluster
    .command('status')
    .description('Show each node, worker, the driver and S3Proxy; exit code 1 if one is not healthy')
    .action(
      action(async () => {
        const { layout, statuses } = await clusterStatus(loadConfig())
        print(statuses)
        printExports(layout)
        if (statuses.some((s) => !s.healthy)) process.exitCode = 1
      }),
    )
}
