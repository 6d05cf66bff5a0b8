// What the lifecycle (start / stop / status) needs to know about one local engine.
import type { ProcessFiles } from './process.ts'

/**
 * Runs a one-off tool (e.g. Kafka's storage formatter) and fails with its output if it fails. `secretEnv` is added
 * to its environment: the way secrets reach it (never `args`, which `ps` shows); they are hidden in any error.
 */
export type ToolRunner = (
  description: string,
  command: string,
  args: string[],
  secretEnv?: Record<string, string>,
) => Promise<void>

export interface LocalEngine {
  name: string
  version: string
  /** Working folder: configuration, data, PID and log files. */
  dir: string
  /** Where it listens; each is checked to be free before a start. */
  ports: { host: string; port: number }[]
  /** How clients reach it (host:port list or sc:// URL). */
  endpoint: string
  files: ProcessFiles
  startTimeoutMs: number
  prepare(runTool: ToolRunner): Promise<void>
  /**
   * A JVM: `args` are JVM options, then the main class (the lifecycle puts its ownership mark first); `env` is
   * added to the environment.
   */
  command(): { command: string; args: string[]; env?: Record<string, string> }
  healthy(): Promise<boolean>
}
